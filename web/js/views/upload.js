// Upload: pick or drop several photos, give each a title, a description and tags, and send each
// one straight to storage with its presigned POST (../transfer.js), each followed by its card
// (./uploadcard.js). Leaving the page while bytes are being sent asks first; a session that ends
// while files wait asks to sign in again in place (./resignin.js) and then carries on with them.

import { api } from '../api.js';
import { canUpload, currentUser } from '../auth.js';
import { h, replace } from '../dom.js';
import { quotaSentence } from '../quota.js';
import { signInAgain } from './resignin.js';
import { IN_FLIGHT, UploadCard } from './uploadcard.js';

export { titleFromName } from './uploadcard.js';

const PARALLEL = 3;

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
  let cards = [];
  let asking = null; // the sign-in-again dialog, while open
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
  const again = h('button', { class: 'button', type: 'button', id: 'sign-in-again', hidden: true }, 'Sign in to continue');
  function resumeAll() {
    again.hidden = true;
    for (const card of cards.filter((c) => c.state === 'signed-out')) card.resume();
    runQueue(cards);
  }
  function askToSignIn() {
    if (asking || !alive) return;
    again.hidden = false;
    asking = signInAgain(resumeAll);
    asking.addEventListener('close', () => { asking = null; });
  }
  again.addEventListener('click', askToSignIn);
  const page = {
    list, alive: () => alive, quotaChanged: showQuota, sessionEnded: askToSignIn,
    removed: (card) => { cards = cards.filter((c) => c !== card); start.disabled = !cards.some((c) => c.state === 'queued'); },
  };
  function add(files) {
    for (const file of files) cards.push(new UploadCard(file, page));
    start.disabled = !cards.some((c) => c.state === 'queued');
    if (!start.disabled) start.focus(); // chosen: the next step is Upload
  }
  // Leaving the page (closing the tab, reloading) while bytes are being sent asks first.
  function holdPage(event) {
    if (!cards.some((c) => IN_FLIGHT.includes(c.state))) return;
    event.preventDefault();
    event.returnValue = '';
  }
  window.addEventListener('beforeunload', holdPage);
  picker.addEventListener('change', () => { add(picker.files); picker.value = ''; });
  drop.addEventListener('keydown', (e) => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); picker.click(); } });
  drop.addEventListener('dragover', (e) => { e.preventDefault(); drop.classList.add('over'); });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (e) => { e.preventDefault(); drop.classList.remove('over'); add(e.dataTransfer.files); });
  start.addEventListener('click', () => { start.disabled = true; list.focus(); runQueue(cards); });
  replace(root, h('section', { class: 'upload-page' },
    h('h1', {}, 'Upload photos'),
    h('p', { class: 'muted' }, 'Each photo is checked, cleaned of metadata and published once it is ready.'),
    quotaLine, picker, drop, list, h('div', { class: 'actions' }, start, again, h('a', { class: 'button secondary', href: '/me' }, 'My uploads')),
    h('p', {}, h('a', { href: '/wanted', id: 'wanted-link' }, "See what people look for and can't find"))));
  showQuota();
  return () => {
    alive = false;
    window.removeEventListener('beforeunload', holdPage);
    asking?.close();
  };
}
