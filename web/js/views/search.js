// Home page: search results with facet chips, sort, and a justified grid that loads the next
// page by cursor as you scroll. Everything a visitor chose lives in the URL.

import { api, ApiError, queryString } from '../api.js';
import { formatCount, h, replace } from '../dom.js';
import { refocusAfterRender } from '../focus.js';
import { JustifiedGrid } from '../grid.js';

const PER_PAGE = 30;
const FILTERS = ['q', 'tags', 'camera', 'orientation', 'color', 'owner', 'sort', 'min_width', 'min_height', 'from', 'to'];
const ORIENTATIONS = ['landscape', 'portrait', 'square'];
export const PALETTE = {
  red: '#e53935', orange: '#fb8c00', yellow: '#fdd835', green: '#43a047', turquoise: '#26c6da',
  blue: '#1e88e5', violet: '#8e24aa', pink: '#ec407a', brown: '#795548', black: '#212121',
  gray: '#9e9e9e', white: '#fafafa',
};

/** The search state a URL describes. */
export function stateFrom(query) {
  const state = {};
  for (const name of FILTERS) {
    const value = query.get(name);
    if (value) state[name] = value;
  }
  return state;
}

/** The in-app URL for a search state. */
export function searchUrl(state) {
  return `/${queryString(state)}`;
}

function toggled(state, name, value) {
  const next = { ...state };
  if (next[name] === value) delete next[name];
  else next[name] = value;
  return next;
}

function tagsOf(state) {
  return state.tags ? state.tags.split(',').filter(Boolean) : [];
}

function withTag(state, tag, on) {
  const tags = tagsOf(state).filter((t) => t !== tag);
  if (on) tags.push(tag);
  const next = { ...state, tags: tags.join(',') };
  if (!next.tags) delete next.tags;
  return next;
}

// Chips are links (each is a URL to share); a link has no pressed state, so the chosen one says
// aria-current and its name says that following it removes the filter.
function chip(label, href, active, extra = {}) {
  return h('a', { class: active ? 'chip active' : 'chip', href, 'aria-current': active ? 'true' : null, ...extra }, label);
}

function capitalised(word) {
  return word[0].toUpperCase() + word.slice(1);
}

function photos(count) {
  return `${formatCount(count)} ${count === 1 ? 'photo' : 'photos'}`;
}

function countOf(facet, value) {
  return (facet || []).find((f) => f.value === value)?.count || 0;
}

function orientationChips(state, facets) {
  return h('div', { class: 'chip-group', role: 'group', 'aria-label': 'Orientation' },
    ORIENTATIONS.map((value) => chip(
      [capitalised(value), h('span', { class: 'count' }, formatCount(countOf(facets.orientation, value)))],
      searchUrl(toggled(state, 'orientation', value)), state.orientation === value,
      { dataset: { facet: 'orientation', value } })));
}

function colourChips(state, facets) {
  return h('div', { class: 'chip-group swatches', role: 'group', 'aria-label': 'Colour' },
    Object.entries(PALETTE).map(([name, hex]) => {
      const count = countOf(facets.color, name);
      const active = state.color === name;
      return h('a', {
        class: `swatch${active ? ' active' : ''}${count || active ? '' : ' empty'}`,
        href: searchUrl(toggled(state, 'color', name)),
        'aria-current': active ? 'true' : null,
        'aria-label': active ? `${capitalised(name)}, chosen: remove` : `${capitalised(name)}, ${photos(count)}`,
        title: `${capitalised(name)}: ${formatCount(count)}`,
        style: { '--swatch': hex },
        dataset: { facet: 'color', value: name },
      });
    }));
}

function tagChips(state, facets) {
  const active = tagsOf(state);
  const others = (facets.tags || []).filter((t) => !active.includes(t.value)).slice(0, 20);
  if (!active.length && !others.length) return null;
  return h('div', { class: 'chip-group tags', role: 'group', 'aria-label': 'Tags' },
    active.map((tag) => chip([`#${tag}`, h('span', { class: 'remove', 'aria-hidden': 'true' }, '×')],
      searchUrl(withTag(state, tag, false)), true, { dataset: { facet: 'tags', value: tag } })),
    others.map((t) => chip([`#${t.value}`, h('span', { class: 'count' }, formatCount(t.count))],
      searchUrl(withTag(state, t.value, true)), false, { dataset: { facet: 'tags', value: t.value } })));
}

// The camera facet: the chosen camera (a chip that removes it), else the cameras in these results.
function cameraChips(state, facets) {
  const others = (facets.camera || []).filter((c) => c.value !== state.camera).slice(0, 20);
  if (!state.camera && !others.length) return null;
  return h('div', { class: 'chip-group cameras', role: 'group', 'aria-label': 'Camera' },
    h('span', { class: 'muted' }, 'Camera'),
    state.camera ? chip([state.camera, h('span', { class: 'remove', 'aria-hidden': 'true' }, '×')],
      searchUrl(toggled(state, 'camera', state.camera)), true,
      { dataset: { facet: 'camera', value: state.camera } }) : null,
    state.camera ? null : others.map((c) => chip([c.value, h('span', { class: 'count' }, formatCount(c.count))],
      searchUrl(toggled(state, 'camera', c.value)), false, { dataset: { facet: 'camera', value: c.value } })));
}

// The sort applies when a choice is made: a pick with the pointer (the list closes on it), or
// Enter or leaving the control after arrow keys. A <select> fires "change" on every arrow key,
// so navigating on change alone would reload the results at each step through the options.
function sortSelect(state, navigate) {
  const current = state.sort || (state.q ? 'relevance' : 'newest');
  const options = state.q ? ['relevance', 'newest', 'popular'] : ['newest', 'popular'];
  const select = h('select', { id: 'sort', name: 'sort' },
    options.map((value) => h('option', { value, selected: value === current }, capitalised(value))));
  let byPointer = false;
  // Focus comes back to the control, except when the person left it with Tab (no trap).
  const apply = ({ refocus = true } = {}) => {
    if (select.value === current || !select.isConnected) return;
    if (refocus) refocusAfterRender('#sort');
    navigate(searchUrl({ ...state, sort: select.value }));
  };
  select.addEventListener('pointerdown', () => { byPointer = true; });
  select.addEventListener('keydown', (event) => {
    byPointer = false;
    if (event.key === 'Enter') apply();
  });
  select.addEventListener('change', () => { if (byPointer) apply(); });
  select.addEventListener('blur', () => apply({ refocus: false }));
  return h('label', { class: 'sort' }, 'Sort ', select);
}

/** "1 photo", "240 photos", or "10,000+ photos" when the API says the total is a lower bound. */
export function countLabel(page) {
  const atLeast = page.total_relation === 'gte';
  const noun = page.total === 1 && !atLeast ? 'photo' : 'photos';
  return `${formatCount(page.total)}${atLeast ? '+' : ''} ${noun}`;
}

function heading(state, page) {
  const title = state.q ? `“${state.q}”` : 'Free stock photos';
  return h('div', { class: 'result-head' },
    h('h1', {}, title),
    h('p', { class: 'muted', id: 'result-count', 'aria-live': 'polite' },
      countLabel(page),
      page.approximate_facets ? ' · counts are approximate' : ''),
    page.fuzzy ? h('p', { class: 'notice', id: 'fuzzy-note' },
      `No exact matches for “${state.q}”: showing similar words.`) : null);
}

// What each chosen filter is called on its removable chip.
const FILTER_LABELS = {
  orientation: capitalised, color: capitalised, camera: (v) => v, owner: () => 'One contributor',
  min_width: (v) => `Wider than ${v} px`, min_height: (v) => `Taller than ${v} px`,
  from: (v) => `From ${v}`, to: (v) => `Until ${v}`,
};

function withoutFilter(state, name, value) {
  return name === 'tags' ? withTag(state, value, false) : { ...state, [name]: undefined };
}

/** The chosen filters, each a chip that removes it (phones show these while the rest fold). */
function activeFilters(state) {
  const chosen = Object.keys(FILTER_LABELS).filter((name) => state[name])
    .map((name) => [name, state[name], FILTER_LABELS[name](state[name])])
    .concat(tagsOf(state).map((tag) => ['tags', tag, `#${tag}`]));
  if (!chosen.length) return null;
  return h('ul', { class: 'active-filters', 'aria-label': 'Chosen filters' }, chosen.map(([name, value, label]) =>
    h('li', {}, h('a', {
      class: 'chip active', href: searchUrl(withoutFilter(state, name, value)),
      'aria-label': `Remove filter: ${label}`, onclick: () => refocusAfterRender('#filters-toggle'),
    }, name === 'color' ? h('span', { class: 'dot', style: { background: PALETTE[value] || '' } }) : null,
    label, h('span', { class: 'remove', 'aria-hidden': 'true' }, '×')))));
}

// On phones the filters fold behind a button (the results come first); wider screens show them.
let filtersOpen = false;

function foldable(panel, count) {
  const toggle = h('button', { class: 'button secondary filters-toggle', type: 'button', id: 'filters-toggle',
    'aria-expanded': String(filtersOpen), 'aria-controls': 'filter-panel' },
  'Filters', count ? h('span', { class: 'filter-count' }, ` (${count})`) : null);
  const show = (open) => {
    filtersOpen = open;
    toggle.setAttribute('aria-expanded', String(open));
    panel.classList.toggle('open', open);
  };
  show(filtersOpen);
  toggle.addEventListener('click', () => show(!filtersOpen));
  const onKey = (event) => {
    if (event.key !== 'Escape' || !filtersOpen || getComputedStyle(toggle).display === 'none') return;
    event.preventDefault();
    show(false);
    toggle.focus();
  };
  toggle.addEventListener('keydown', onKey);
  panel.addEventListener('keydown', onKey);
  return toggle;
}

function filters(state, page, navigate) {
  const chosen = Object.keys(state).filter((k) => k !== 'q' && k !== 'sort');
  const clear = chosen.length
    ? h('a', { class: 'clear', href: searchUrl(state.q ? { q: state.q } : {}) }, 'Clear filters') : null;
  const panel = h('div', { class: 'filter-panel', id: 'filter-panel' },
    h('div', { class: 'filter-row' },
      orientationChips(state, page.facets), colourChips(state, page.facets), clear),
    state.owner ? h('p', { class: 'muted' }, 'Photos by one contributor · ',
      h('a', { href: searchUrl({ ...state, owner: undefined }) }, 'everyone')) : null,
    tagChips(state, page.facets),
    cameraChips(state, page.facets));
  const count = chosen.length + Math.max(0, tagsOf(state).length - 1);
  return h('div', { class: 'filters' },
    h('div', { class: 'filters-bar' }, foldable(panel, count), sortSelect(state, navigate), activeFilters(state)),
    panel);
}

function emptyState(state) {
  return h('div', { class: 'empty-state' },
    h('h2', {}, 'No photos match'),
    h('p', {}, state.q ? 'Try fewer or different words, or clear the filters.' : 'Nothing has been published yet.'),
    h('a', { class: 'button', href: '/' }, 'Browse everything'));
}

function pager(grid, state, firstPage, root) {
  let cursor = firstPage.next_cursor;
  let loading = false;
  const more = h('button', { class: 'button secondary', type: 'button', id: 'load-more' }, 'Load more');
  const status = h('p', { class: 'muted end-note', 'aria-live': 'polite' });
  const footer = h('div', { class: 'grid-footer' }, cursor ? more : status);
  if (!cursor && firstPage.total) status.textContent = 'That is everything.';
  async function next() {
    if (!cursor || loading) return;
    loading = true;
    more.disabled = true;
    more.textContent = 'Loading…';
    try {
      const page = await api(`/search${queryString({ ...state, per_page: PER_PAGE, cursor })}`);
      grid.add(page.results);
      cursor = page.next_cursor;
      if (!cursor) replace(footer, h('p', { class: 'muted end-note' }, 'That is everything.'));
    } catch (error) {
      replace(footer, h('p', { class: 'notice error' }, error.message), more);
    } finally {
      loading = false;
      more.disabled = false;
      more.textContent = 'Load more';
    }
  }
  more.addEventListener('click', next);
  const watcher = new IntersectionObserver((entries) => {
    if (entries.some((e) => e.isIntersecting)) next();
  }, { rootMargin: '800px 0px' });
  watcher.observe(footer);
  root.append(footer);
  return () => watcher.disconnect();
}

/** Render the search page for the current URL. */
export async function searchView({ query, root, isCurrent }, navigate) {
  const state = stateFrom(query);
  document.title = state.q ? `${state.q} · Stock images` : 'Stock images: free photos';
  const input = document.getElementById('q');
  if (input && document.activeElement !== input) input.value = state.q || '';
  replace(root, h('div', { class: 'loading', 'aria-busy': 'true' }, 'Loading photos…'));
  let page;
  try {
    page = await api(`/search${queryString({ ...state, per_page: PER_PAGE })}`);
  } catch (error) {
    if (!isCurrent()) return null;
    const detail = error instanceof ApiError ? error.message : String(error);
    replace(root, h('div', { class: 'empty-state' }, h('h1', {}, 'That search did not work'),
      h('p', { class: 'notice error', dataset: { code: error.code || '' } }, detail),
      h('a', { class: 'button', href: '/' }, 'Start again')));
    return null;
  }
  if (!isCurrent()) return null;
  const gridEl = h('section', { class: 'grid', id: 'results', 'aria-label': 'Photos' });
  replace(root, heading(state, page), filters(state, page, navigate), gridEl);
  if (!page.results.length) {
    gridEl.replaceWith(emptyState(state));
    return null;
  }
  const grid = new JustifiedGrid(gridEl);
  grid.add(page.results);
  const stopPaging = pager(grid, state, page, root);
  return () => { stopPaging(); grid.destroy(); };
}
