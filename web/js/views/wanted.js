// What people look for and can't find: the searches that found no photos or very few,
// most asked first, so contributors know what to photograph next. Contributors and admins.

import { api, queryString } from '../api.js';
import { canUpload, currentUser } from '../auth.js';
import { formatCount, formatDate, h, replace } from '../dom.js';

const TITLE = "What people look for and can't find";
const PERIODS = [7, 30, 90];

function signInFirst(root) {
  replace(root, h('div', { class: 'empty-state' }, h('h1', {}, TITLE),
    h('p', {}, 'Sign in as a contributor to see what visitors searched for and did not find.'),
    h('a', { class: 'button', href: '/signin?next=/wanted' }, 'Sign in')));
}

function table(queries, days) {
  const rows = queries.map((item) => h('tr', { dataset: { query: item.query } },
    h('th', { scope: 'row' }, h('a', { href: `/${queryString({ q: item.query })}` }, item.query)),
    h('td', { class: 'number' }, formatCount(item.count)),
    h('td', {}, formatDate(`${item.last_seen}T12:00:00Z`))));
  return h('table', { class: 'wanted-table', id: 'wanted' },
    h('caption', {}, `Searches with few or no results in the last ${days} days, most asked first`),
    h('thead', {}, h('tr', {},
      h('th', { scope: 'col' }, 'Search'),
      h('th', { scope: 'col', class: 'number' }, 'Times searched'),
      h('th', { scope: 'col' }, 'Last searched'))),
    h('tbody', {}, rows));
}

function periodPicker(days) {
  return h('nav', { class: 'wanted-periods', 'aria-label': 'Period' },
    PERIODS.map((n) => h('a', { href: `/wanted?days=${n}`, class: n === days ? 'button' : 'button secondary',
      'aria-current': n === days ? 'page' : null }, `Last ${n} days`)));
}

/** Render /wanted. */
export async function wantedView({ root, query, isCurrent }) {
  document.title = `${TITLE} · Stock images`;
  if (!currentUser() || !canUpload()) {
    signInFirst(root);
    return null;
  }
  const days = PERIODS.includes(Number(query.get('days'))) ? Number(query.get('days')) : 30;
  const body = h('div', { 'aria-live': 'polite' }, h('p', { class: 'muted' }, 'Loading…'));
  replace(root, h('section', { class: 'wanted-page' },
    h('h1', {}, TITLE),
    h('p', {}, 'These are the words people searched for when we had no photos, or only a few, to show them. '
      + 'Nothing about who searched is kept. Upload photos of these and they will be found.'),
    periodPicker(days), body,
    h('div', { class: 'actions' }, h('a', { class: 'button', href: '/upload' }, 'Upload photos'))));
  try {
    const answer = await api(`/insights/wanted${queryString({ days })}`);
    if (!isCurrent()) return null;
    if (!answer.queries.length) {
      replace(body, h('p', { class: 'empty-state', id: 'wanted-empty' },
        `Nothing yet: in the last ${days} days every search found enough photos.`));
    } else {
      replace(body, table(answer.queries, days));
    }
  } catch (error) {
    if (isCurrent()) replace(body, h('p', { class: 'notice error' }, error.message));
  }
  return null;
}
