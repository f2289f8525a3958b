// My uploads: a pending photo whose bytes never arrived before its upload link expired (the tab
// closed, the connection dropped) is "Upload interrupted", with Retry (choose the file again: a new
// grant with the same title, description and tags, the old one withdrawn) and Remove.

import { formatBytes, h, toast } from '../dom.js';
import { refusal } from '../limits.js';
import { requestGrant, sendToStorage, withdrawGrant } from '../transfer.js';

/** True for a pending image whose upload link has expired (the API says when it does). */
export function interrupted(image, now = Date.now()) {
  return image.status === 'pending' && Boolean(image.upload_expires_at)
    && Date.parse(image.upload_expires_at) < now;
}

async function sendAgain(image, file, say) {
  const problem = refusal(file);
  if (problem) throw new Error(problem.message);
  await withdrawGrant(image.id).catch(() => {}); // its place in the quota frees first
  const grant = await requestGrant(file, { title: image.title, description: image.description || '', tags: image.tags });
  await sendToStorage(grant.upload, file, (sent, total) => say(`Uploading… ${Math.round((sent / total) * 100)}% (${formatBytes(sent)} of ${formatBytes(total)})`)).done;
}

/** Retry and Remove for an interrupted upload; `changed()` once the list should be read again,
 * `busy(true|false)` while a retry runs (the list must not refresh under it). */
export function interruptedActions(image, { changed, busy }) {
  const status = h('p', { class: 'muted interrupted-status', 'aria-live': 'polite' });
  const picker = h('input', { type: 'file', class: 'visually-hidden', accept: 'image/jpeg,image/png,image/webp',
    'aria-label': `Choose the file of ${image.title || 'this photo'} again` });
  const retry = h('button', { class: 'button small', type: 'button', onclick: () => picker.click() }, 'Retry');
  const remove = h('button', { class: 'button secondary small', type: 'button' }, 'Remove');
  picker.addEventListener('change', async () => {
    const [file] = picker.files;
    if (!file) return;
    busy(true);
    retry.disabled = remove.disabled = true;
    try {
      await sendAgain(image, file, (words) => { status.textContent = words; });
      toast('Uploaded again: it is being processed.');
    } catch (failure) {
      status.textContent = failure.message;
      retry.disabled = remove.disabled = false;
    } finally {
      busy(false);
      changed();
    }
  });
  remove.addEventListener('click', async () => {
    remove.disabled = true;
    try {
      await withdrawGrant(image.id);
      toast('Removed.');
    } catch (failure) {
      toast(failure.message, 'error');
    }
    changed();
  });
  return h('div', { class: 'interrupted' }, h('div', { class: 'actions' }, retry, remove), picker, status);
}
