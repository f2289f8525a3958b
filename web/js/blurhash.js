// BlurHash decoder (the published format: base-83 digits, one DC colour in sRGB and cosine
// AC terms on a square-root curve) painted onto a tiny canvas. The encoder samples cosines
// at pixel centres, so this decoder does too. Results are cached: a hash paints once.

const DIGITS = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz#$%*+,-.:;=?@[]^_{|}~';
const SIZE = 32;
const cache = new Map();

function base83(text) {
  let value = 0;
  for (const char of text) {
    const digit = DIGITS.indexOf(char);
    if (digit < 0) throw new Error('not a BlurHash');
    value = value * 83 + digit;
  }
  return value;
}

const toLinear = (v) => { const c = v / 255; return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; };
const toSrgb = (v) => {
  const c = Math.min(1, Math.max(0, v));
  return Math.round((c <= 0.0031308 ? c * 12.92 : 1.055 * c ** (1 / 2.4) - 0.055) * 255);
};
const signedSquare = (v) => Math.sign(v) * v * v;

function components(hash) {
  const flag = base83(hash[0]);
  const nx = (flag % 9) + 1;
  const ny = Math.floor(flag / 9) + 1;
  if (hash.length !== 4 + 2 * nx * ny) throw new Error('BlurHash has the wrong length');
  const scale = (base83(hash[1]) + 1) / 166;
  const dc = base83(hash.slice(2, 6));
  const colours = [[toLinear(dc >> 16), toLinear((dc >> 8) & 255), toLinear(dc & 255)]];
  for (let i = 1; i < nx * ny; i += 1) {
    const v = base83(hash.slice(4 + i * 2, 6 + i * 2));
    colours.push([Math.floor(v / 361), Math.floor(v / 19) % 19, v % 19]
      .map((q) => signedSquare((q - 9) / 9) * scale));
  }
  return { nx, ny, colours };
}

function paint(hash, width, height) {
  const { nx, ny, colours } = components(hash);
  const pixels = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y += 1) {
    for (let x = 0; x < width; x += 1) {
      const rgb = [0, 0, 0];
      for (let j = 0; j < ny; j += 1) {
        const cy = Math.cos((Math.PI * (y + 0.5) * j) / height);
        for (let i = 0; i < nx; i += 1) {
          const basis = Math.cos((Math.PI * (x + 0.5) * i) / width) * cy;
          const c = colours[j * nx + i];
          rgb[0] += c[0] * basis; rgb[1] += c[1] * basis; rgb[2] += c[2] * basis;
        }
      }
      const at = (y * width + x) * 4;
      pixels.set([toSrgb(rgb[0]), toSrgb(rgb[1]), toSrgb(rgb[2]), 255], at);
    }
  }
  return pixels;
}

/** A data: URL of the placeholder for `hash` at the image's aspect ratio, or null. */
export function placeholderUrl(hash, aspect = 1) {
  if (!hash) return null;
  const key = `${hash}:${aspect.toFixed(2)}`;
  if (cache.has(key)) return cache.get(key);
  let url = null;
  try {
    const width = aspect >= 1 ? SIZE : Math.max(4, Math.round(SIZE * aspect));
    const height = aspect >= 1 ? Math.max(4, Math.round(SIZE / aspect)) : SIZE;
    const canvas = document.createElement('canvas');
    canvas.width = width;
    canvas.height = height;
    const context = canvas.getContext('2d');
    context.putImageData(new ImageData(paint(hash, width, height), width, height), 0, 0);
    url = canvas.toDataURL();
  } catch {
    url = null; // a malformed hash just means no placeholder: the dominant colour shows
  }
  cache.set(key, url);
  return url;
}
