// Your place in a list: the results already loaded and how far down you were, kept per history
// entry, so back, forward and reload show the same pages at the same spot without fetching
// them again page by page. The scroll position lives in history.state (it survives a reload);
// the results, too big for it, in sessionStorage under the entry's key (this tab only).

const PREFIX = 'place:';
const KEYS = 'place:keys';
const KEEP = 6; // entries whose results are kept, newest first (sessionStorage holds ~5 MB)
const SCROLL_SAVE_MS = 200;

function newKey() {
  return crypto.randomUUID ? crypto.randomUUID() : `${Date.now()}-${Math.random().toString(36).slice(2)}`;
}

function patchState(patch) {
  history.replaceState({ ...(history.state || {}), ...patch }, '');
}

/** This history entry's key, given one if it has none yet. */
function entryKey() {
  let key = history.state?.place;
  if (!key) {
    key = newKey();
    patchState({ place: key });
  }
  return key;
}

/** Note how far down the current entry is scrolled (before leaving it, and as it scrolls). */
function rememberScroll() {
  patchState({ scrollY: Math.round(window.scrollY) });
}

/** The scroll position this entry had when it was last shown, or null. */
export function savedScroll() {
  const y = history.state?.scrollY;
  return Number.isFinite(y) ? y : null;
}

function readKeys() {
  try {
    return JSON.parse(sessionStorage.getItem(KEYS) || '[]');
  } catch {
    return [];
  }
}

function write(key, text) {
  const keys = [key, ...readKeys().filter((k) => k !== key)];
  for (const old of keys.splice(KEEP)) sessionStorage.removeItem(PREFIX + old);
  for (;;) {
    try {
      sessionStorage.setItem(PREFIX + key, text);
      sessionStorage.setItem(KEYS, JSON.stringify(keys));
      return;
    } catch {
      // Full: drop the oldest kept entry and try again; with none left, keep nothing.
      if (keys.length <= 1) return;
      sessionStorage.removeItem(PREFIX + keys.pop());
    }
  }
}

/** Keep what this entry shows (`snapshot` is any JSON), tied to its URL. */
export function keepResults(snapshot) {
  write(entryKey(), JSON.stringify({ url: location.pathname + location.search, snapshot }));
}

/** What `keepResults` kept for this entry at this very URL, or null. */
export function keptResults() {
  const key = history.state?.place;
  if (!key) return null;
  try {
    const kept = JSON.parse(sessionStorage.getItem(PREFIX + key) || 'null');
    return kept && kept.url === location.pathname + location.search ? kept.snapshot : null;
  } catch {
    return null;
  }
}

/** Scroll to `y` once the page is laid out (the grid sizes every tile before images load). */
export function restoreScroll(y) {
  if (y === null) return;
  requestAnimationFrame(() => window.scrollTo(0, y));
}

let timer = null;

/** Keep the scroll position of whatever entry is shown, also across a reload. */
export function watchScroll() {
  window.addEventListener('scroll', () => {
    clearTimeout(timer);
    timer = setTimeout(rememberScroll, SCROLL_SAVE_MS);
  }, { passive: true });
  window.addEventListener('pagehide', rememberScroll);
}

/** Stop a pending scroll note (a new entry is about to be pushed). */
export function settleScroll() {
  clearTimeout(timer);
  rememberScroll();
}
