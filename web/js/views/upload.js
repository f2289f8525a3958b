// Upload: pick or drop several photos, give each a title and tags, and send each one
// straight to storage with its presigned POST. XMLHttpRequest, because only it reports
// upload progress. Then follow each image until it is ready or rejected.

import { api } from '../api.js';
import { canUpload, currentUser } from '../auth.js';
import { formatBytes, h, replace } from '../dom.js';
import { pick } from '../grid.js';
import { explain, MAX_TITLE_CHARS, refusal } from '../limits.js';
import { quotaRefusal, quotaSentence } from '../quota.js';

const PARALLEL = 3;
const POLL_MS = [500, 1000, 1000, 2000, 2000, 3000];
const POLL_GIVE_UP_MS = 5 * 60 * 1000;

/** "summer_beach-2024.jpg" -> "Summer beach 2024". */
export function titleFromName(name) {
  const base = name.replace(/\.[^.]+$/, '').replace(/[_-]+/g, ' ').replace(/\s+/g, ' ').trim();
  return base ? base[0].toUpperCase() + base.slice(1) : 'Untitled';
}

function postFile(grant, file, onProgress) {
  return new Promise((resolve, reject) => {
    const form = new FormData();
    for (const [name, value] of Object.entries(grant.fields)) form.append(name, value);
    form.append('file', file); // storage reads fields in order: the file must come last
    const xhr = new XMLHttpRequest();
    xhr.open('POST', grant.url);
    xhr.upload.addEventListener('progress', (event) => {
      if (event.lengthComputable) onProgress(event.loaded, event.total);
    });
    xhr.addEventListener('load', () => {
      if (xhr.status >= 200 && xhr.status < 300) resolve();
      else reject(new Error(`Storage refused the file (HTTP ${xhr.status}).`));
    });
    xhr.addEventListener('error', () => reject(new Error('The upload was interrupted. Check your connection and retry.')));
    xhr.addEventListener('abort', () => reject(new Error('Upload cancelled.')));
    xhr.send(form);
  });
}

async function waitUntilDone(imageId, onStatus, alive) {
  const started = Date.now();
  for (let attempt = 0; alive() && Date.now() - started < POLL_GIVE_UP_MS; attempt += 1) {
    await new Promise((r) => setTimeout(r, POLL_MS[Math.min(attempt, POLL_MS.length - 1)]));
    try {
      const image = await api(`/images/${encodeURIComponent(imageId)}`);
      onStatus(image);
      if (['ready', 'in_review', 'rejected', 'failed'].includes(image.status)) return image;
    } catch {
      // a missed poll is not a failure: try again on the next tick
    }
  }
  return null;
}

class UploadCard {
  constructor(file, list, alive, quotaChanged = () => {}) {
    this.file = file;
    this.alive = alive;
    this.quotaChanged = quotaChanged; // a grant took a place, or a quota refused one
    this.problem = refusal(file);
    this.state = this.problem ? 'refused' : 'queued';
    this.title = h('input', { name: 'title', value: titleFromName(file.name), maxlength: MAX_TITLE_CHARS, 'aria-label': `Title for ${file.name}` });
    this.tags = h('input', { name: 'tags', placeholder: 'beach, sunset, summer', 'aria-label': `Tags for ${file.name}` });
    this.bar = h('progress', { max: 100, value: 0, 'aria-label': `Upload progress of ${file.name}` });
    this.status = h('p', { class: 'upload-status', 'aria-live': 'polite' });
    this.preview = h('div', { class: 'upload-preview' });
    this.el = h('li', { class: 'upload-card', dataset: { state: this.state, file: file.name } },
      this.preview,
      h('div', { class: 'upload-fields' },
        h('p', { class: 'file-name' }, file.name, h('span', { class: 'muted' }, ` · ${formatBytes(file.size)}`)),
        this.problem ? null : [h('label', {}, 'Title', this.title), h('label', {}, 'Tags', this.tags)],
        this.bar, this.status));
    if (this.problem) this.say('refused', this.problem.message);
    else this.showLocalPreview();
    list.append(this.el);
  }

  showLocalPreview() {
    const url = URL.createObjectURL(this.file);
    const img = h('img', { src: url, alt: '', onload: () => URL.revokeObjectURL(url), onerror: () => img.remove() });
    this.preview.append(img);
  }

  say(state, message) {
    this.state = state;
    this.el.dataset.state = state;
    this.status.textContent = message;
  }

  async upload() {
    if (this.state !== 'queued') return;
    this.title.disabled = this.tags.disabled = true;
    this.say('requesting', 'Preparing…');
    try {
      const grant = await api('/uploads', { method: 'POST', body: {
        filename: this.file.name, content_type: this.file.type, size: this.file.size,
        title: this.title.value, tags: this.tags.value.split(',').map((t) => t.trim()).filter(Boolean),
      } });
      this.imageId = grant.image_id;
      this.quotaChanged();
      this.say('uploading', 'Uploading… 0%');
      await postFile(grant.upload, this.file, (sent, total) => {
        this.bar.value = Math.round((sent / total) * 100);
        this.say('uploading', `Uploading… ${this.bar.value}% (${formatBytes(sent)} of ${formatBytes(total)})`);
      });
      this.bar.value = 100;
      this.say('processing', 'Processing…');
      const image = await waitUntilDone(this.imageId, (img) => this.track(img), this.alive);
      if (!image && this.alive()) this.say('processing', 'Still processing. Check My uploads later.');
    } catch (error) {
      const limited = quotaRefusal(error);
      if (limited) this.quotaChanged();
      this.say(limited ? 'limited' : 'error', limited || error.message);
      this.title.disabled = this.tags.disabled = false;
      this.retry();
    }
  }

  retry() {
    const again = h('button', { class: 'button secondary small', type: 'button' }, 'Retry');
    again.addEventListener('click', () => {
      again.remove();
      this.state = 'queued';
      this.upload();
    });
    this.status.append(' ', again);
  }

  track(image) {
    if (image.status === 'ready') {
      const thumb = pick(image.renditions, 400);
      replace(this.preview, h('a', { href: `/images/${image.id}` },
        h('img', { src: thumb?.url, alt: image.title, width: thumb?.width, height: thumb?.height })));
      this.say('ready', 'Ready: ');
      this.status.append(h('a', { href: `/images/${image.id}` }, 'view the photo'));
    } else if (image.status === 'in_review') {
      this.say('in_review', 'Waiting for review: it goes public once a moderator approves it.');
    } else if (image.status === 'rejected' || image.status === 'failed') {
      this.say(image.status, `${image.status === 'rejected' ? 'Rejected' : 'Failed'}: ${explain(image.reason)}`);
      if (image.duplicate_of) this.status.append(' ', duplicateLink(image.duplicate_of));
    } else {
      this.say('processing', 'Processing…');
    }
  }
}

/** A link to the owner's earlier photo that an upload repeated (rejected `duplicate`). */
function duplicateLink(id) {
  return h('a', { class: 'duplicate-of', href: `/images/${encodeURIComponent(id)}` }, 'See the photo you uploaded');
}

async function runQueue(cards) {
  const waiting = cards.filter((c) => c.state === 'queued');
  const workers = Array.from({ length: PARALLEL }, async () => {
    while (waiting.length) await waiting.shift().upload();
  });
  await Promise.all(workers);
}

function signInFirst(root) {
  const user = currentUser();
  replace(root, h('div', { class: 'empty-state' },
    h('h1', {}, 'Upload photos'),
    user ? h('p', {}, 'Your account cannot upload yet: it is not in the contributors group.')
      : h('p', {}, 'Sign in or create a free account to share your photos.'),
    user ? null : h('div', { class: 'actions' },
      h('a', { class: 'button', href: '/signin?next=/upload' }, 'Sign in'),
      h('a', { class: 'button secondary', href: '/signup?next=/upload' }, 'Create account'))));
}

/** Render /upload. */
export function uploadView({ root }) {
  document.title = 'Upload · Stock images';
  if (!canUpload()) {
    signInFirst(root);
    return null;
  }
  let alive = true;
  const cards = [];
  const list = h('ul', { class: 'upload-list', id: 'upload-list', 'aria-label': 'Your files', tabindex: '-1' });
  const quotaLine = h('p', { class: 'upload-quota', id: 'upload-quota', 'aria-live': 'polite' });
  async function showQuota() {
    try {
      const quota = await api('/me/quota');
      if (alive) quotaLine.textContent = quotaSentence(quota);
    } catch {
      quotaLine.textContent = ''; // the page works without it; the next grant tries again
    }
  }
  // Hidden and out of the Tab order: the drop zone is the one control (Enter or Space opens it).
  const picker = h('input', { type: 'file', id: 'file-input', multiple: true, accept: 'image/jpeg,image/png,image/webp', class: 'visually-hidden', tabindex: '-1' });
  const start = h('button', { class: 'button', type: 'button', id: 'start-upload', disabled: true }, 'Upload');
  const drop = h('label', { class: 'dropzone', for: 'file-input', tabindex: 0 },
    h('strong', {}, 'Drop photos here'), h('span', {}, 'or choose files · JPEG, PNG or WebP, up to 50 MB each'));
  function add(files) {
    for (const file of files) cards.push(new UploadCard(file, list, () => alive, showQuota));
    start.disabled = !cards.some((c) => c.state === 'queued');
    if (!start.disabled) start.focus(); // chosen: the next step is Upload
  }
  picker.addEventListener('change', () => { add(picker.files); picker.value = ''; });
  drop.addEventListener('keydown', (e) => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); picker.click(); } });
  drop.addEventListener('dragover', (e) => { e.preventDefault(); drop.classList.add('over'); });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (e) => { e.preventDefault(); drop.classList.remove('over'); add(e.dataTransfer.files); });
  start.addEventListener('click', () => { start.disabled = true; list.focus(); runQueue(cards); });
  replace(root, h('section', { class: 'upload-page' },
    h('h1', {}, 'Upload photos'),
    h('p', { class: 'muted' }, 'Each photo is checked, cleaned of metadata and published once it is ready.'),
    quotaLine, picker, drop, list, h('div', { class: 'actions' }, start, h('a', { class: 'button secondary', href: '/me' }, 'My uploads')),
    h('p', {}, h('a', { href: '/wanted', id: 'wanted-link' }, "See what people look for and can't find"))));
  showQuota();
  return () => { alive = false; };
}
