// One file on the upload page: its title, description and tags, its transfer (Cancel aborts it
// and withdraws the grant; Remove takes it off the list), then its image followed until it is
// ready or rejected. A session that ends on the way leaves it `signed-out` with a way to resume.

import { api } from '../api.js';
import { currentUser } from '../auth.js';
import { formatBytes, h, replace } from '../dom.js';
import { pick } from '../grid.js';
import { explain, MAX_DESCRIPTION_CHARS, MAX_TITLE_CHARS, refusal } from '../limits.js';
import { quotaRefusal } from '../quota.js';
import { requestGrant, sendToStorage, tagList, withdrawGrant } from '../transfer.js';

const POLL_MS = [500, 1000, 1000, 2000, 2000, 3000];
const POLL_GIVE_UP_MS = 5 * 60 * 1000;
// States in which bytes may be on their way (leaving the page asks first; Cancel is offered).
export const IN_FLIGHT = ['requesting', 'uploading'];
// States a card may be removed from the list in (nothing of it is running).
const REMOVABLE = ['queued', 'refused', 'error', 'limited', 'cancelled', 'signed-out'];

/** "summer_beach-2024.jpg" -> "Summer beach 2024". */
export function titleFromName(name) {
  const base = name.replace(/\.[^.]+$/, '').replace(/[_-]+/g, ' ').replace(/\s+/g, ' ').trim();
  return base ? base[0].toUpperCase() + base.slice(1) : 'Untitled';
}

/** The session is gone (the API said 401, or nobody is signed in any more). */
function sessionEnded(error) {
  return error?.status === 401 || !currentUser();
}

async function waitUntilDone(imageId, onStatus, alive) {
  const started = Date.now();
  for (let attempt = 0; alive() && Date.now() - started < POLL_GIVE_UP_MS; attempt += 1) {
    await new Promise((r) => setTimeout(r, POLL_MS[Math.min(attempt, POLL_MS.length - 1)]));
    try {
      const image = await api(`/images/${encodeURIComponent(imageId)}`);
      onStatus(image);
      if (['ready', 'in_review', 'rejected', 'failed'].includes(image.status)) return image;
    } catch (error) {
      if (sessionEnded(error)) throw error; // signed in again, the card follows it once more
      // any other missed poll is not a failure: try again on the next tick
    }
  }
  return null;
}

export class UploadCard {
  constructor(file, page) {
    this.file = file;
    this.page = page; // {list, alive(), quotaChanged(), sessionEnded(card), removed(card)}
    this.problem = refusal(file);
    this.state = this.problem ? 'refused' : 'queued';
    this.title = h('input', { name: 'title', value: titleFromName(file.name), maxlength: MAX_TITLE_CHARS, 'aria-label': `Title for ${file.name}` });
    this.description = h('textarea', { name: 'description', rows: 2, maxlength: MAX_DESCRIPTION_CHARS, 'aria-label': `Description for ${file.name}` });
    this.tags = h('input', { name: 'tags', placeholder: 'beach, sunset, summer', 'aria-label': `Tags for ${file.name}` });
    this.bar = h('progress', { max: 100, value: 0, 'aria-label': `Upload progress of ${file.name}` });
    this.status = h('p', { class: 'upload-status', 'aria-live': 'polite' });
    this.preview = h('div', { class: 'upload-preview' });
    this.cancel = h('button', { class: 'button secondary small upload-cancel', type: 'button', hidden: true,
      'aria-label': `Cancel ${file.name}`, onclick: () => this.stop() }, 'Cancel');
    this.remove = h('button', { class: 'button secondary small upload-remove', type: 'button',
      'aria-label': `Remove ${file.name}`, onclick: () => this.drop() }, 'Remove');
    this.el = h('li', { class: 'upload-card', dataset: { state: this.state, file: file.name } },
      this.preview,
      h('div', { class: 'upload-fields' },
        h('p', { class: 'file-name' }, file.name, h('span', { class: 'muted' }, ` · ${formatBytes(file.size)}`)),
        this.problem ? null : [h('label', {}, 'Title', this.title), h('label', {}, 'Description', this.description),
          h('label', {}, 'Tags', this.tags)],
        this.bar, this.status, h('div', { class: 'upload-actions' }, this.cancel, this.remove)));
    if (this.problem) this.say('refused', this.problem.message);
    else this.showLocalPreview();
    page.list.append(this.el);
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
    this.cancel.hidden = !IN_FLIGHT.includes(state);
    this.remove.hidden = !REMOVABLE.includes(state);
  }

  editable(yes) {
    this.title.disabled = this.description.disabled = this.tags.disabled = !yes;
  }

  async upload() {
    if (this.state !== 'queued') return;
    this.editable(false);
    this.say('requesting', 'Preparing…');
    try {
      await this.withdraw(); // a grant from an attempt that never finished
      const grant = await requestGrant(this.file, { title: this.title.value,
        description: this.description.value, tags: tagList(this.tags.value) });
      this.imageId = grant.image_id;
      this.page.quotaChanged();
      if (this.state === 'cancelled') return this.withdraw(); // cancelled while asking
      this.say('uploading', 'Uploading… 0%');
      this.transfer = sendToStorage(grant.upload, this.file, (sent, total) => {
        this.bar.value = Math.round((sent / total) * 100);
        this.say('uploading', `Uploading… ${this.bar.value}% (${formatBytes(sent)} of ${formatBytes(total)})`);
      });
      await this.transfer.done;
      this.transfer = null;
      this.imageId = null; // the bytes arrived: no grant left to withdraw
      this.uploadedId = grant.image_id;
      this.bar.value = 100;
      await this.follow();
    } catch (error) {
      this.failed(error);
    }
    return undefined;
  }

  async follow() {
    this.say('processing', 'Processing…');
    const image = await waitUntilDone(this.uploadedId, (img) => this.track(img), this.page.alive);
    if (!image && this.page.alive()) this.say('processing', 'Still processing. Check My uploads later.');
  }

  failed(error) {
    this.transfer = null;
    if (error.cancelled || this.state === 'cancelled') return;
    if (sessionEnded(error)) {
      this.say('signed-out', 'Your session ended: sign in again and this photo carries on.');
      // Once signed in again: follow the image whose bytes arrived, or queue the file again.
      this.resume = this.uploadedId ? () => this.follow().catch((e) => this.failed(e))
        : () => { this.state = 'queued'; };
      this.page.sessionEnded(this);
      return;
    }
    const limited = quotaRefusal(error);
    if (limited) this.page.quotaChanged();
    this.say(limited ? 'limited' : 'error', limited || error.message);
    this.editable(true);
    this.retry();
  }

  requeue() {
    this.state = 'queued';
    return this.upload();
  }

  retry() {
    const again = h('button', { class: 'button secondary small', type: 'button' }, 'Retry');
    again.addEventListener('click', () => {
      again.remove();
      this.requeue();
    });
    this.status.append(' ', again);
  }

  /** Cancel: abort the transfer and withdraw the grant. */
  async stop() {
    const transfer = this.transfer;
    this.say('cancelled', 'Cancelling…');
    this.remove.hidden = true;
    transfer?.abort();
    await this.withdraw();
    if (this.state !== 'cancelled') return; // removed or retried meanwhile
    this.say('cancelled', 'Cancelled: nothing was kept.');
    this.editable(true);
    this.page.quotaChanged();
    this.retry();
  }

  /** Remove the file from the list (its unused grant, if any, withdrawn). */
  async drop() {
    this.el.remove();
    this.page.removed(this);
    await this.withdraw();
  }

  async withdraw() {
    const id = this.imageId;
    this.imageId = null;
    if (id) await withdrawGrant(id).catch(() => {}); // gone already, or the sweeper takes it
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
