// "Report this photo" on the image page: for signed-in people, on published photos that are
// not their own. One report per person counts; a second one is answered plainly.

import { api } from '../api.js';
import { currentUser } from '../auth.js';
import { h, replace } from '../dom.js';

const NOTE_CHARS = 500; // REPORT_NOTE_CHARS's default
const REASONS = [
  ['copyright', 'Copyright: it is someone else’s work'],
  ['offensive', 'Offensive'],
  ['spam', 'Spam'],
  ['other', 'Something else'],
];
const THANKS = 'Thanks, we’ll take a look.';
const AGAIN = 'You have already reported this photo: each person’s report counts once.';

function reasonChoice() {
  return h('fieldset', {}, h('legend', {}, 'What is wrong with it?'),
    REASONS.map(([value, words]) => h('label', {},
      h('input', { type: 'radio', name: 'report-reason', value, required: true }), words)));
}

function form(image, box) {
  const note = h('textarea', { id: 'report-note', name: 'note', rows: 2, maxlength: NOTE_CHARS });
  const error = h('p', { class: 'notice error', role: 'alert', hidden: true });
  const send = h('button', { class: 'button', type: 'submit', id: 'report-send' }, 'Send report');
  const cancel = () => {
    replace(box, opener(image, box));
    box.querySelector('#report-open').focus();
  };
  const el = h('form', { class: 'report', id: 'report-form', 'aria-label': 'Report this photo' },
    reasonChoice(), h('label', {}, 'Anything we should know? (optional)', note), error,
    h('div', { class: 'actions' }, send,
      h('button', { class: 'button secondary', type: 'button', onclick: cancel }, 'Cancel')));
  el.addEventListener('keydown', (event) => {
    if (event.key === 'Escape' && !event.defaultPrevented) cancel();
  });
  el.addEventListener('submit', async (event) => {
    event.preventDefault();
    const reason = el.querySelector('input[name=report-reason]:checked')?.value;
    send.disabled = true;
    try {
      const receipt = await api(`/images/${encodeURIComponent(image.id)}/report`,
        { method: 'POST', body: { reason, note: note.value.trim() || undefined } });
      replace(box, h('p', { class: 'notice', id: 'report-done', role: 'status' }, receipt?.counted ? THANKS : AGAIN));
    } catch (failure) {
      send.disabled = false;
      error.hidden = false;
      error.textContent = failure.message;
    }
  });
  return el;
}

function opener(image, box) {
  return h('button', { class: 'link', type: 'button', id: 'report-open', onclick: () => {
    const shown = form(image, box);
    replace(box, shown);
    shown.querySelector('input')?.focus();
  } }, 'Report this photo');
}

/** The report control for `image`, or null when the person may not report it. */
export function reportControl(image) {
  const user = currentUser();
  if (!user || image.status !== 'ready' || user.sub === image.owner) return null;
  const box = h('div', { class: 'report-box', id: 'report' });
  return replace(box, opener(image, box));
}
