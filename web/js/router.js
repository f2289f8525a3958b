// Client-side routes over the History API: links stay real links (open in new tab, copy),
// plain clicks change the view without reloading, and back/forward/reload all work, returning
// to the place the visitor had (place.js).

import { settleScroll, watchScroll } from './place.js';

const routes = [];
let outlet = null;
let cleanup = null;
let renderCount = 0;

/** Register `view(context)` for a path pattern such as '/images/:id'. */
export function route(pattern, view) {
  const source = pattern.replace(/:(\w+)/g, '(?<$1>[^/]+)');
  routes.push({ regex: new RegExp(`^${source}/?$`), view });
}

/** Go to `url` inside the app. */
export function navigate(url, { replace = false } = {}) {
  if (!replace) settleScroll(); // the entry we leave keeps its scroll position
  history[replace ? 'replaceState' : 'pushState'](null, '', url);
  render({ scroll: true });
}

/** Render the view for the current location; `returning` to an entry seen before (back,
 * forward, reload) lets the view restore what it showed. */
export async function render({ scroll = false, returning = false } = {}) {
  const count = ++renderCount;
  if (typeof cleanup === 'function') cleanup();
  cleanup = null;
  const match = matchRoute(location.pathname);
  const context = {
    params: match.params,
    query: new URLSearchParams(location.search),
    root: outlet,
    isCurrent: () => count === renderCount,
    returning,
  };
  if (scroll) window.scrollTo(0, 0);
  const result = await match.view(context);
  if (count === renderCount) cleanup = result;
  else if (typeof result === 'function') result();
  document.dispatchEvent(new CustomEvent('routechange'));
}

function matchRoute(path) {
  for (const { regex, view } of routes) {
    const found = regex.exec(path);
    if (found) {
      const params = Object.fromEntries(
        Object.entries(found.groups || {}).map(([k, v]) => [k, decodeURIComponent(v)]));
      return { view, params };
    }
  }
  return { view: routes.notFound, params: {} };
}

/** The view for paths nobody registered. */
export function notFound(view) {
  routes.notFound = view;
}

function internalLink(event) {
  if (event.defaultPrevented || event.button !== 0) return;
  if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  const link = event.target.closest('a[href]');
  if (!link || link.target || link.hasAttribute('download')) return;
  const url = new URL(link.href, location.href);
  if (url.origin !== location.origin) return;
  if (url.pathname.startsWith('/api/') || url.pathname.startsWith('/renditions/')) return;
  event.preventDefault();
  if (url.href !== location.href) navigate(url.pathname + url.search);
}

/** Take over in-app links and history navigation, rendering views into `element`. */
export function start(element) {
  outlet = element;
  history.scrollRestoration = 'manual';
  watchScroll();
  document.addEventListener('click', internalLink);
  window.addEventListener('popstate', () => render({ returning: true }));
  return render({ returning: true });
}
