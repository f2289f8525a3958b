// One photo under review: why it is here in words, a large preview (beside the original when
// it may be a copy), and the approve / reject controls the review page drives by keyboard too.

import { api } from '../api.js';
import { formatDate, h, replace } from '../dom.js';
import { pick } from '../grid.js';

const PREVIEW_WIDTH = 1280; // the `large` rendition, or the biggest there is

const REPORT_REASONS = { copyright: 'copyright', offensive: 'offensive', spam: 'spam', other: 'other' };

function plural(count, word) {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

function imageLink(id, text) {
  return h('a', { href: `/images/${encodeURIComponent(id)}`, target: '_blank', rel: 'noopener' }, text);
}

function reportedWords(reports) {
  const reasons = Object.entries(reports.reasons || {})
    .map(([reason, count]) => `${REPORT_REASONS[reason] || reason}${count > 1 ? ` ×${count}` : ''}`);
  const notes = (reports.notes || []).map((note) => h('li', { class: 'review-note' }, `“${note}”`));
  return [`Reported ${plural(reports.count, 'time')}`, reasons.length ? `: ${reasons.join(', ')}` : '',
    notes.length ? h('ul', { class: 'review-notes' }, notes) : null];
}

/** Each reason this photo waits for review, in words (links where there is something to see). */
export function reasonWords(review) {
  return (review.reasons || []).map((reason) => {
    if (reason === 'new_contributor') return 'New contributor';
    if (reason === 'all_reviewed') return 'Every photo is reviewed';
    if (reason === 'possible_duplicate' && review.possible_duplicate_of) {
      return ['Possible duplicate of ', imageLink(review.possible_duplicate_of, 'this photo')];
    }
    if (reason === 'reported') return reportedWords(review.reports);
    return reason;
  });
}

function figure(image, caption) {
  const best = pick(image.renditions, PREVIEW_WIDTH);
  const visual = best
    ? h('img', { src: best.url, alt: image.title || 'Untitled photo', width: best.width, height: best.height, decoding: 'async' })
    : h('div', { class: 'photo-frame missing' }, 'No preview');
  return h('figure', { class: 'review-figure' }, visual,
    h('figcaption', {}, caption, image.width ? ` · ${image.width} × ${image.height} px` : ''));
}

async function showOriginal(slot, id) {
  try {
    const original = await api(`/images/${encodeURIComponent(id)}`);
    replace(slot, figure(original, ['Original: ', imageLink(id, original.title || 'Untitled'),
      original.owner_name ? ` by ${original.owner_name}` : '']));
  } catch (error) {
    replace(slot, h('p', { class: 'notice' }, `The original could not be shown: ${error.message}`));
  }
}

function comparison(image) {
  const originalId = image.review?.possible_duplicate_of;
  const row = h('div', { class: originalId ? 'review-compare side-by-side' : 'review-compare' },
    figure(image, originalId ? 'This upload' : 'Under review'));
  if (originalId) {
    const slot = h('div', { class: 'review-original', id: 'review-original', 'aria-busy': 'true' }, 'Loading the original…');
    row.append(slot);
    showOriginal(slot, originalId);
  }
  return row;
}

function rejectForm(actions) {
  const words = h('textarea', { id: 'review-reason', name: 'reason', rows: 3, required: true, maxlength: 1000,
    placeholder: 'For example: this photo belongs to someone else.' });
  const form = h('form', { class: 'review-reject', id: 'review-reject', hidden: true, 'aria-label': 'Reject this photo' },
    h('label', {}, 'Why? The owner sees these words', words),
    h('div', { class: 'actions' },
      h('button', { class: 'button danger', type: 'submit', id: 'review-confirm-reject' }, 'Reject (Enter)'),
      h('button', { class: 'button secondary', type: 'button', onclick: actions.cancel }, 'Cancel (Esc)')));
  words.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && !event.shiftKey) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const reason = words.value.trim();
    if (reason) actions.decide('reject', reason);
    else words.reportValidity();
  });
  return form;
}

function approveConfirm(actions) {
  return h('div', { class: 'review-approve', id: 'review-approve', hidden: true },
    h('p', {}, 'Approve this photo? It goes public and into search.'),
    h('div', { class: 'actions' },
      h('button', { class: 'button', type: 'button', id: 'review-confirm-approve',
        onclick: () => actions.decide('approve', '') }, 'Approve (Enter)'),
      h('button', { class: 'button secondary', type: 'button', onclick: actions.cancel }, 'Cancel (Esc)')));
}

/** The detail pane of `image`; `actions` = {decide(decision, reason), cancel()}. Returns the
 * pane with `armApprove()`, `armReject()`, `disarm()` and `fail(message)` on it. */
export function reviewDetail(image, actions) {
  const reject = rejectForm(actions);
  const approve = approveConfirm(actions);
  const error = h('p', { class: 'notice error', role: 'alert', hidden: true, id: 'review-error' });
  const when = image.review?.decisions?.length ? ` · decided ${plural(image.review.decisions.length, 'time')} before` : '';
  const pane = h('section', { class: 'review-detail', id: 'review-detail', dataset: { id: image.id }, 'aria-label': 'Photo under review' },
    comparison(image),
    h('div', { class: 'review-facts' },
      h('h2', {}, imageLink(image.id, image.title || 'Untitled')),
      h('p', { class: 'muted' }, image.owner_name ? `by ${image.owner_name} · ` : '', `uploaded ${formatDate(image.created_at)}${when}`),
      h('ul', { class: 'review-reasons', id: 'review-reasons' }, reasonWords(image.review || {}).map((words) => h('li', {}, words))),
      h('div', { class: 'actions review-buttons' },
        h('button', { class: 'button', type: 'button', id: 'review-approve-button', 'aria-keyshortcuts': 'a',
          onclick: () => pane.armApprove() }, 'Approve', h('kbd', { 'aria-hidden': 'true' }, 'a')),
        h('button', { class: 'button danger', type: 'button', id: 'review-reject-button', 'aria-keyshortcuts': 'r',
          onclick: () => pane.armReject() }, 'Reject', h('kbd', { 'aria-hidden': 'true' }, 'r'))),
      approve, reject, error));
  pane.armApprove = () => {
    reject.hidden = true;
    approve.hidden = false;
    approve.querySelector('#review-confirm-approve').focus();
  };
  pane.armReject = () => {
    approve.hidden = true;
    reject.hidden = false;
    reject.querySelector('textarea').focus();
  };
  pane.disarm = () => {
    approve.hidden = true;
    reject.hidden = true;
  };
  pane.fail = (message) => {
    error.hidden = false;
    error.textContent = message;
  };
  return pane;
}
