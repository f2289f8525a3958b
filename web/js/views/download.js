// The image page's download control: a main button for the full size, a menu of every size
// with its pixels and file size, and, for the photo's owner, the exact file they uploaded.
// Each choice asks the API for a short-lived signed link (which counts the download) and
// then navigates to it; the storage answers with an attachment, so the page stays put.

import { api } from '../api.js';
import { currentUser } from '../auth.js';
import { disclosure } from '../disclosure.js';
import { formatBytes, formatCount, h, icon, replace } from '../dom.js';
import { creditNote, errorNote } from './credit.js';

const NAMES = { full: 'Full size', original: 'Original', thumb: 'Thumbnail' };
const FORMATS = { jpeg: 'JPEG', png: 'PNG', webp: 'WebP' };
const ARROW = 'M12 4v11M7 10l5 5 5-5M5 20h14';
const CHEVRON = 'M6 9l6 6 6-6';

/** "1 download", "1,234 downloads". */
export function downloadsText(count) {
  return `${formatCount(count)} ${count === 1 ? 'download' : 'downloads'}`;
}

function sizeName(size) {
  return NAMES[size] || size.charAt(0).toUpperCase() + size.slice(1);
}

function describe(file) {
  const format = FORMATS[file.format] || String(file.format || '').toUpperCase();
  return `${file.width} × ${file.height} px · ${formatBytes(file.bytes)} · ${format}`;
}

/** The sizes worth offering: a size identical to a bigger one (small photos) is left out. */
function distinct(sizes) {
  const seen = new Set();
  return sizes.filter((file) => {
    const key = `${file.width}x${file.height}.${file.format}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** The original's menu entry, for its owner (and admins), described from the image facts. */
function originalFile(image) {
  const user = currentUser();
  if (!user || !image.bytes) return null;
  const owner = user.sub === image.owner;
  if (!owner && !user.groups.includes('admins')) return null;
  return { size: 'original', width: image.width, height: image.height, bytes: image.bytes,
    format: image.format, label: owner ? 'Download your original' : 'Download the original' };
}

function option(file) {
  return h('li', { class: file.size === 'original' ? 'original' : null },
    h('button', { class: 'size-option', type: 'button', dataset: { size: file.size } },
      h('span', { class: 'size-name' }, file.label || sizeName(file.size)),
      h('span', { class: 'size-facts' }, describe(file))));
}

/** Save a signed URL: a link click, since the page's CSP does not let script fetch it. */
function save(url, filename) {
  const link = h('a', { href: url, download: filename, rel: 'noopener', hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
}

/** "Download · 4000 × 3000": the main button, for the first (full) size. */
function mainButton(file) {
  return h('button', { class: 'button download-main', type: 'button', id: 'download',
    dataset: { size: file.size }, title: `${sizeName(file.size)}: ${describe(file)}` },
    icon(ARROW), 'Download', h('span', { class: 'download-dims' }, `· ${file.width} × ${file.height}`));
}

/** The download count shown near the title; `bump()` adds one after a counted download. */
export function downloadCount(image) {
  let count = image.downloads || 0;
  const text = h('span', { id: 'download-count', dataset: { count } }, downloadsText(count));
  const line = h('p', { class: 'photo-meta' }, icon(ARROW, 16), text);
  line.bump = () => {
    count += 1;
    text.dataset.count = count;
    text.textContent = downloadsText(count);
  };
  return line;
}

/** The control for a ready image; null when there is nothing to download. */
export function downloadControl(image, { counted = () => {} } = {}) {
  const sizes = distinct(image.download_sizes || []);
  if (image.status !== 'ready' || !sizes.length) return null;
  const main = sizes[0];
  const files = [...sizes, originalFile(image)].filter(Boolean);
  const primary = mainButton(main);
  const toggle = h('button', { class: 'button download-toggle', type: 'button',
    id: 'download-more', 'aria-expanded': 'false', 'aria-controls': 'download-sizes' },
    icon(CHEVRON), h('span', { class: 'visually-hidden' }, 'Choose a size'));
  const list = h('ul', { class: 'size-list popover', id: 'download-sizes', hidden: true,
    'aria-label': 'Download sizes' }, files.map(option));
  const note = h('div', { class: 'note-slot' });
  const status = h('span', { class: 'visually-hidden', role: 'status' });
  const control = h('div', { class: 'download' },
    h('div', { class: 'split-button' }, primary, toggle), list, note, status);
  const menu = disclosure(toggle, list, control);
  const say = (text) => { status.textContent = text; };
  const closeNote = () => replace(note);
  const dismiss = () => {
    closeNote();
    primary.focus();
  };
  const endpoint = (size) => `/images/${encodeURIComponent(image.id)}/download?size=${encodeURIComponent(size)}`;
  let busy = false;

  async function start(file) {
    if (busy) return;
    busy = true;
    control.setAttribute('aria-busy', 'true');
    closeNote();
    try {
      const found = await api(endpoint(file.size));
      save(found.url, found.filename);
      counted();
      say(`Download started: ${file.label || sizeName(file.size)}, ${found.width} × ${found.height} px.`);
      replace(note, creditNote(found.attribution, dismiss, say));
    } catch (failure) {
      replace(note, errorNote(failure.message || 'The download could not start.', dismiss));
    } finally {
      busy = false;
      control.removeAttribute('aria-busy');
    }
  }

  primary.addEventListener('click', () => start(main));
  toggle.addEventListener('click', closeNote);
  list.addEventListener('click', (event) => {
    const choice = event.target.closest('[data-size]');
    if (!choice) return;
    menu.close();
    start(files.find((file) => file.size === choice.dataset.size));
  });
  control.addEventListener('keydown', (event) => {
    if (event.key === 'Escape' && !event.defaultPrevented && note.firstChild) dismiss();
  });
  return control;
}

/** A rejected photo's one download: its owner's (or an admin's) original, uncounted; null
 * for anyone else or any other status. The public sizes were withdrawn with the reject. */
export function keptOriginalControl(image) {
  const file = image.status === 'rejected' ? originalFile(image) : null;
  if (!file) return null;
  const note = h('div', { class: 'note-slot' });
  const button = h('button', { class: 'button secondary', type: 'button', id: 'download-original' },
    icon(ARROW), file.label);
  const control = h('div', { class: 'download kept-original' }, button, note);
  button.addEventListener('click', async () => {
    replace(note);
    try {
      const found = await api(`/images/${encodeURIComponent(image.id)}/download?size=original`);
      save(found.url, found.filename);
    } catch (failure) {
      replace(note, errorNote(failure.message || 'The download could not start.', () => replace(note)));
    }
  });
  return control;
}
