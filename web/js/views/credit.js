// What appears under the download button once a download has started: the credit line to
// paste ("Photo by X on Stock Images") with a Copy button, or the API's words when it failed.
// It floats over the page below (like the size menu), so nothing moves when it appears.

import { copyText, selectText } from '../clipboard.js';
import { h } from '../dom.js';

const COPY_KEYS = /Mac|iPhone|iPad/.test(navigator.userAgent) ? '⌘C' : 'Ctrl+C';

function closeButton(close) {
  return h('button', { class: 'note-close', type: 'button', 'aria-label': 'Close', onclick: close }, '×');
}

/** The credit line with its Copy button; `say(text)` announces to screen readers. */
export function creditNote(attribution, close, say) {
  const words = h('span', { class: 'credit-text', id: 'attribution' }, attribution);
  const hint = h('p', { class: 'note-hint', id: 'copy-hint', hidden: true });
  const copy = h('button', { class: 'button small secondary', type: 'button', id: 'copy-attribution' }, 'Copy');
  copy.addEventListener('click', async () => {
    if (await copyText(attribution)) {
      copy.textContent = 'Copied';
      hint.hidden = true;
      say('Credit line copied.');
      return;
    }
    // No clipboard here (old browser, permission refused): select it for the visitor instead.
    selectText(words);
    hint.hidden = false;
    hint.textContent = `Selected: press ${COPY_KEYS} to copy.`;
    say(hint.textContent);
  });
  return h('div', { class: 'download-note popover', id: 'download-note' },
    h('p', { class: 'note-title' }, 'Your download has started. Say thanks by crediting the photographer:'),
    h('div', { class: 'credit' }, words, copy), hint, closeButton(close));
}

/** The API's own message when a download could not start. */
export function errorNote(message, close) {
  return h('div', { class: 'download-note popover error', id: 'download-note', role: 'alert' },
    h('p', { class: 'note-title', id: 'download-error' }, message), closeButton(close));
}
