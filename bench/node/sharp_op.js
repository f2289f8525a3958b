// Bench-only: sharp doing the render benchmark's two jobs, reporting JSON on stdout.
//   node sharp_op.js '{"mode":"op","input":"in.jpg","width":720,"height":588,"quality":80,
//                      "rounds":5,"ops":30,"warmup":5,"output":"out.jpg"}'
//   node sharp_op.js '{"mode":"set","input":"in.jpg","widths":[200,400,1080,2048],
//                      "quality":82,"rounds":5,"warmup":1,"output_prefix":"/tmp/x-"}'
// One libvips thread and no operation cache, like the service's render Lambda.
"use strict";

const fs = require("fs");
const sharp = require("sharp");

sharp.concurrency(1);
sharp.cache(false);

function cpuMs(since) {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
}

// sharp's own benchmark operation: resize to width x height, JPEG out (quality 80 default).
function op(input, job) {
  return sharp(input).resize(job.width, job.height).jpeg({ quality: job.quality }).toBuffer();
}

// Each rendition as an independent pipeline from the original, as sharp users build sets;
// one after another, so CPU is comparable with the one-thread Python rows.
async function set(input, job) {
  const outputs = [];
  for (const width of job.widths) {
    outputs.push(await sharp(input).resize(width).webp({ quality: job.quality }).toBuffer());
  }
  return outputs;
}

async function timeRounds(run, rounds, perRound) {
  const wallMs = [];
  const cpu = [];
  for (let r = 0; r < rounds; r += 1) {
    const cpuStart = process.cpuUsage();
    const began = process.hrtime.bigint();
    for (let i = 0; i < perRound; i += 1) await run();
    wallMs.push(Number(process.hrtime.bigint() - began) / 1e6 / perRound);
    cpu.push(cpuMs(cpuStart) / perRound);
  }
  return { wall_ms: wallMs, cpu_ms: cpu };
}

async function main() {
  const job = JSON.parse(process.argv[2]);
  const input = fs.readFileSync(job.input);
  const run = job.mode === "op" ? () => op(input, job) : () => set(input, job);
  for (let i = 0; i < job.warmup; i += 1) await run();
  const timed = await timeRounds(run, job.rounds, job.mode === "op" ? job.ops : 1);
  const last = await run();
  const outputs = Array.isArray(last) ? last : [last];
  const paths = outputs.map((data, i) => `${job.output_prefix}${i}`);
  outputs.forEach((data, i) => fs.writeFileSync(paths[i], data));
  const report = { ...timed, bytes: outputs.map((d) => d.length), outputs: paths,
    node: process.version, sharp: sharp.versions.sharp, libvips: sharp.versions.vips,
    jpeg: sharp.versions.mozjpeg ? `mozjpeg ${sharp.versions.mozjpeg}` : "libjpeg",
    webp: sharp.versions.webp };
  process.stdout.write(JSON.stringify(report));
}

main().catch((error) => {
  process.stderr.write(String(error && error.stack ? error.stack : error));
  process.exit(1);
});
