// /review (admins): the photos waiting for review, oldest first; one selected at a time, shown
// large. Keys: j/k or arrows move, a approves, r rejects (focus in the reason), Enter
// confirms, Esc cancels. A decided photo leaves the list.

import { api, queryString } from '../api.js';
import { h, replace, toast } from '../dom.js';
import { pick } from '../grid.js';
import { isAdmin, REVIEW_PAGE, setReviewCount } from '../reviewcount.js';
import { reasonWords, reviewDetail } from './reviewitem.js';

const ALREADY_DECIDED = 'Someone already decided this photo';
const DONE = { approve: 'Approved: it is public now.', reject: 'Rejected: the owner sees your words.' };

function refusal(root) {
  replace(root, h('div', { class: 'empty-state', id: 'review-refused' }, h('h1', {}, 'Review'),
    h('p', {}, 'Only moderators can see this page.'), h('a', { class: 'button', href: '/' }, 'Back to search')));
}

function keysHelp() {
  const key = (text) => h('kbd', {}, text);
  return h('p', { class: 'muted review-keys', id: 'review-keys' }, 'Keys: ', key('j'), ' ', key('k'),
    ' or ', key('↓'), ' ', key('↑'), ' move · ', key('a'), ' approve · ', key('r'), ' reject · ',
    key('Enter'), ' confirm · ', key('Esc'), ' cancel');
}

function entry(image, selected, select) {
  const thumb = pick(image.renditions, 200);
  const words = reasonWords(image.review || {}).map((w) => h('li', {}, w));
  return h('li', { class: 'review-entry', dataset: { id: image.id }, 'aria-current': selected ? 'true' : null },
    h('button', { type: 'button', class: 'review-pick', onclick: select },
      thumb ? h('img', { src: thumb.url, alt: '', width: thumb.width, height: thumb.height, loading: 'lazy' }) : null,
      h('span', { class: 'review-entry-title' }, image.title || 'Untitled')),
    h('ul', { class: 'review-entry-reasons' }, words));
}

function typing(target) {
  return Boolean(target.closest?.('input, textarea, select, [contenteditable]'));
}

/** Render /review (`?per_page=` sets the page size, for trying the paging). */
export async function reviewView({ root, query, isCurrent }) {
  document.title = 'Review · Stock images';
  if (!isAdmin()) {
    refusal(root);
    return null;
  }
  const perPage = Number(query.get('per_page')) || REVIEW_PAGE;
  const state = { items: [], index: 0, cursor: null, pane: null, busy: false };
  const list = h('ol', { class: 'review-list', id: 'review-list', 'aria-label': 'Photos waiting for review' });
  const detail = h('div', { class: 'review-pane' });
  const footer = h('div', { class: 'grid-footer' });
  const summary = h('p', { class: 'muted', id: 'review-summary', role: 'status' });
  replace(root, h('section', { class: 'review-page' },
    h('div', { class: 'result-head' }, h('h1', {}, 'Review'), summary, keysHelp()),
    h('div', { class: 'review-layout' }, h('div', { class: 'review-side' }, list, footer), detail)));

  function counted() {
    const more = Boolean(state.cursor);
    const n = state.items.length;
    summary.textContent = n || more ? `${n}${more ? '+' : ''} waiting, oldest first` : '';
    setReviewCount(n, more);
  }

  function drawList() {
    replace(list, state.items.map((image, i) => entry(image, i === state.index, () => select(i))));
    counted();
  }

  function drawDetail() {
    const image = state.items[state.index];
    state.pane = image ? reviewDetail(image, { decide, cancel }) : null;
    replace(detail, state.pane || h('div', { class: 'empty-state', id: 'review-empty' },
      h('h2', {}, 'Nothing waiting for review'), h('p', { class: 'muted' }, 'New photos to check appear here.')));
  }

  function select(i, { focus = false } = {}) {
    if (!state.items.length) return;
    state.index = Math.max(0, Math.min(i, state.items.length - 1));
    drawList();
    drawDetail();
    const chosen = list.children[state.index]?.querySelector('button');
    if (focus && chosen) chosen.focus();
    chosen?.scrollIntoView({ block: 'nearest' });
  }

  function cancel() {
    state.pane?.disarm();
    list.children[state.index]?.querySelector('button')?.focus();
  }

  function drop(id) {
    state.items = state.items.filter((image) => image.id !== id);
    if (!state.items.length && state.cursor) return loadMore();
    select(Math.min(state.index, state.items.length - 1), { focus: true });
    if (!state.items.length) {
      drawList();
      drawDetail();
    }
    return null;
  }

  async function decide(decision, reason) {
    const image = state.items[state.index];
    if (!image || state.busy) return;
    state.busy = true;
    try {
      await api(`/review/${encodeURIComponent(image.id)}`, { method: 'POST', body: { decision, reason } });
      toast(DONE[decision]);
      await drop(image.id);
    } catch (error) {
      if (error.code === 'not_in_review') {
        toast(ALREADY_DECIDED, 'error');
        await drop(image.id);
      } else if (state.pane) state.pane.fail(error.message);
    } finally {
      state.busy = false;
    }
  }

  async function loadMore() {
    try {
      const page = await api(`/review${queryString({ per_page: perPage, cursor: state.cursor })}`);
      if (!isCurrent()) return;
      const known = new Set(state.items.map((image) => image.id));
      state.items.push(...page.results.filter((image) => !known.has(image.id)));
      state.cursor = page.next_cursor;
      drawFooter();
      if (state.pane && state.items[state.index]?.id === state.pane.dataset.id) drawList();
      else select(state.index);
      if (!state.items.length) drawDetail();
    } catch (error) {
      if (isCurrent()) replace(footer, h('p', { class: 'notice error', role: 'alert' }, error.message));
    }
  }

  function drawFooter() {
    replace(footer, state.cursor ? h('button', { class: 'button secondary', type: 'button',
      id: 'review-more', onclick: loadMore }, 'Load more') : null);
  }

  function onKey(event) {
    if (event.defaultPrevented || event.metaKey || event.ctrlKey || event.altKey) return;
    if (event.key === 'Escape') return cancel();
    if (typing(event.target) || !state.pane) return;
    const moves = { j: 1, ArrowDown: 1, k: -1, ArrowUp: -1 };
    if (event.key in moves) select(state.index + moves[event.key], { focus: true });
    else if (event.key === 'a') state.pane.armApprove();
    else if (event.key === 'r') state.pane.armReject();
    else return;
    event.preventDefault(); // the r must not land in the reason it just focused
  }

  document.addEventListener('keydown', onKey);
  await loadMore();
  return () => document.removeEventListener('keydown', onKey);
}
