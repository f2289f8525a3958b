// A justified photo grid: rows fill the width exactly, every photo keeps its aspect ratio,
// and each tile's box is sized before its image arrives, so nothing shifts while loading.

import { placeholderUrl } from './blurhash.js';
import { h } from './dom.js';

const GAP = 8;

/** Split items into rows whose heights make each row exactly `width` wide. */
export function justify(items, width, targetHeight, gap = GAP) {
  const rows = [];
  let row = [];
  let aspects = 0;
  for (const item of items) {
    row.push(item);
    aspects += item.width / item.height;
    const spare = width - gap * (row.length - 1);
    if (aspects * targetHeight >= spare) {
      rows.push({ items: row, height: spare / aspects });
      row = [];
      aspects = 0;
    }
  }
  if (row.length) rows.push({ items: row, height: targetHeight, last: true });
  return rows;
}

/** `url width` pairs for srcset, smallest first. */
export function srcset(renditions) {
  return Object.values(renditions || {})
    .sort((a, b) => a.width - b.width)
    .map((r) => `${r.url} ${r.width}w`)
    .join(', ');
}

/** The smallest rendition at least `width` pixels wide (or the largest there is). */
export function pick(renditions, width) {
  const sorted = Object.values(renditions || {}).sort((a, b) => a.width - b.width);
  return sorted.find((r) => r.width >= width) || sorted[sorted.length - 1] || null;
}

/** Paint the image's placeholder (BlurHash over its dominant colour) on `el` at once. */
export function placeholder(el, image) {
  if (image.color_hex) el.style.backgroundColor = image.color_hex;
  const url = placeholderUrl(image.blurhash, image.width / image.height || 1);
  if (url) el.style.backgroundImage = `url("${url}")`;
}

function tile(image) {
  const img = h('img', {
    alt: image.title || 'Untitled photo',
    loading: 'lazy',
    decoding: 'async',
    srcset: srcset(image.renditions),
    width: image.width,
    height: image.height,
    onload: (event) => event.target.classList.add('loaded'),
  });
  const link = h('a', { class: 'tile', href: `/images/${encodeURIComponent(image.id)}`, dataset: { id: image.id } },
    img,
    h('span', { class: 'tile-caption' },
      h('span', { class: 'tile-title' }, image.title || 'Untitled'),
      image.owner_name ? h('span', { class: 'tile-owner' }, image.owner_name) : null));
  placeholder(link, image);
  return link;
}

/** A grid that appends pages and re-flows on resize, reusing tiles so images never reload. */
export class JustifiedGrid {
  constructor(container) {
    this.container = container;
    this.items = [];
    this.tiles = new Map();
    this.width = 0;
    this.observer = new ResizeObserver(() => this.layout());
    this.observer.observe(container);
  }

  add(images) {
    for (const image of images) {
      if (this.tiles.has(image.id) || !image.width || !image.height) continue;
      this.items.push(image);
      this.tiles.set(image.id, tile(image));
    }
    this.layout(true);
  }

  layout(force = false) {
    const width = this.container.clientWidth;
    if (!width || (!force && width === this.width)) return;
    this.width = width;
    const target = width < 600 ? 150 : width < 1100 ? 210 : 260;
    const rows = justify(this.items, width, target).map((row) => {
      const el = h('div', { class: row.last ? 'grid-row last' : 'grid-row' });
      for (const item of row.items) {
        const tileEl = this.tiles.get(item.id);
        const tileWidth = Math.floor((item.width / item.height) * row.height);
        tileEl.style.width = `${tileWidth}px`;
        tileEl.style.height = `${Math.floor(row.height)}px`;
        tileEl.querySelector('img').sizes = `${tileWidth}px`;
        el.append(tileEl);
      }
      return el;
    });
    this.container.replaceChildren(...rows);
  }

  destroy() {
    this.observer.disconnect();
  }
}
