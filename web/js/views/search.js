// Home page: search results with facet chips, sort, and a justified grid that loads the next
// page by cursor as you scroll. Everything a visitor chose lives in the URL; the pages loaded
// and the scroll position are kept per history entry (place.js) for back and reload.

import { api, ApiError, queryString } from '../api.js';
import { getConfig } from '../config.js';
import { formatCount, h, replace } from '../dom.js';
import { refocusAfterRender } from '../focus.js';
import { JustifiedGrid } from '../grid.js';
import { keepResults, keptResults, restoreScroll, savedScroll } from '../place.js';

const PER_PAGE = 30;
const AHEAD_PX = 800; // the next page loads when the end of the grid is this close
// A filter value the API refuses (by its error code) is dropped from the link with a notice.
const BAD_FILTERS = {
  invalid_sort: ['sort'], invalid_orientation: ['orientation'], invalid_color: ['color'],
  invalid_min_width: ['min_width'], invalid_min_height: ['min_height'], invalid_date: ['from', 'to'],
  invalid_camera: ['camera'], invalid_owner: ['owner'], invalid_tags: ['tags'],
};
const FILTER_NAMES = {
  sort: 'sort order', orientation: 'orientation', color: 'colour', min_width: 'minimum width',
  min_height: 'minimum height', from: 'date', to: 'date', camera: 'camera', owner: 'contributor',
  tags: 'tags',
};
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

// The contributor's public name, from their photos (every result of ?owner= is theirs).
function ownerName(page) {
  return page.results.find((image) => image.owner_name)?.owner_name || 'this contributor';
}

function titleOf(state, page) {
  if (state.q) return `“${state.q}”`;
  return state.owner ? `Photos by ${ownerName(page)}` : 'Free stock photos';
}

function matchNote(state, page) {
  if (page.match === 'most') {
    return h('p', { class: 'notice', id: 'most-note' },
      `No photo matches all of “${state.q}”; showing photos that match most of them.`);
  }
  if (!page.fuzzy || !page.total) return null;
  return h('p', { class: 'notice', id: 'fuzzy-note' },
    `No exact matches for “${state.q}”: showing similar words.`);
}

function droppedNote(dropped) {
  if (!dropped.length) return null;
  const names = [...new Set(dropped.map((name) => FILTER_NAMES[name] || name))];
  return h('p', { class: 'notice', id: 'filter-notice', role: 'status' },
    `The link had a ${names.join(', ')} filter we could not use; it was left out.`);
}

function heading(state, page, dropped = []) {
  return h('div', { class: 'result-head' },
    h('h1', { id: 'result-title' }, titleOf(state, page)),
    h('p', { class: 'muted', id: 'result-count', 'aria-live': 'polite' },
      countLabel(page),
      page.approximate_facets ? ' · counts are approximate' : ''),
    matchNote(state, page), droppedNote(dropped));
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
    state.owner && state.q ? h('p', { class: 'muted', id: 'owner-line' }, `Photos by ${ownerName(page)} · `,
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

function pager(grid, state, firstPage, root, kept) {
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
      const page = await api(`/search${queryString({ ...state, per_page: pageSize(), cursor })}`);
      grid.add(page.results);
      cursor = page.next_cursor;
      kept(page);
      if (!cursor) replace(footer, h('p', { class: 'muted end-note' }, 'That is everything.'));
    } catch (error) {
      replace(footer, h('p', { class: 'notice error' }, error.message), more);
      return; // "Load more" tries again; no loop of failing requests
    } finally {
      loading = false;
      more.disabled = false;
      more.textContent = 'Load more';
    }
    // A page that did not push the footer out of reach (a tall screen, a small page) loads
    // the next one: the observer only speaks when the footer enters or leaves its margin.
    if (cursor && footer.isConnected && footer.getBoundingClientRect().top < innerHeight + AHEAD_PX) next();
  }
  more.addEventListener('click', next);
  const watcher = new IntersectionObserver((entries) => {
    if (entries.some((e) => e.isIntersecting)) next();
  }, { rootMargin: `${AHEAD_PX}px 0px` });
  watcher.observe(footer);
  root.append(footer);
  return () => watcher.disconnect();
}

/** Results per page: the deployment's `searchPageSize` (config.json), else 30. */
function pageSize() {
  const size = Number(getConfig().searchPageSize);
  return Number.isInteger(size) && size > 0 ? Math.min(size, 100) : PER_PAGE;
}

// The first page; a filter value the API refuses is dropped (and named) and the search asked
// again, so a hand-edited or outdated link still shows photos. Each retry drops one at least.
async function firstPage(state) {
  const dropped = [];
  for (;;) {
    try {
      return { page: await api(`/search${queryString({ ...state, per_page: pageSize() })}`), state, dropped };
    } catch (error) {
      const names = (BAD_FILTERS[error.code] || []).filter((name) => name in state);
      if (!names.length) throw error;
      state = Object.fromEntries(Object.entries(state).filter(([name]) => !names.includes(name)));
      dropped.push(...names);
    }
  }
}

function failed(root, error) {
  const detail = error instanceof ApiError ? error.message : String(error);
  replace(root, h('div', { class: 'empty-state' }, h('h1', {}, 'That search did not work'),
    h('p', { class: 'notice error', id: 'search-error', dataset: { code: error.code || '' } }, detail),
    h('a', { class: 'button', href: '/' }, 'Start again')));
}

// What this history entry showed (every page loaded so far), when coming back to it.
function restored(returning) {
  const kept = returning ? keptResults() : null;
  return kept && Array.isArray(kept.results) ? kept : null;
}

/** Render the search page for the current URL. */
export async function searchView({ query, root, isCurrent, returning }, navigate) {
  let state = stateFrom(query);
  document.title = state.q ? `${state.q} · Stock images` : 'Stock images: free photos';
  const input = document.getElementById('q');
  if (input && document.activeElement !== input) input.value = state.q || '';
  const scrollY = returning ? savedScroll() : null;
  let page = restored(returning);
  let dropped = [];
  if (!page) {
    replace(root, h('div', { class: 'loading', 'aria-busy': 'true' }, 'Loading photos…'));
    try {
      ({ page, state, dropped } = await firstPage(state));
    } catch (error) {
      if (isCurrent()) failed(root, error);
      return null;
    }
    if (!isCurrent()) return null;
    if (dropped.length) history.replaceState(history.state, '', searchUrl(state));
  }
  if (!isCurrent()) return null;
  const gridEl = h('section', { class: 'grid', id: 'results', 'aria-label': 'Photos' });
  replace(root, heading(state, page, dropped), filters(state, page, navigate), gridEl);
  if (!page.results.length) {
    gridEl.replaceWith(emptyState(state));
    return null;
  }
  const grid = new JustifiedGrid(gridEl);
  grid.add(page.results);
  const all = { ...page, results: [...page.results] };
  keepResults(all);
  const stopPaging = pager(grid, state, page, root, (next) => {
    all.results.push(...next.results);
    all.next_cursor = next.next_cursor;
    keepResults(all);
  });
  restoreScroll(scrollY);
  return () => { stopPaging(); grid.destroy(); };
}
