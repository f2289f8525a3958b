// Where keyboard focus goes after the app redraws part of a page (WCAG 2.4.3): back to the
// control the user was on when it is drawn again, else to the new content's heading, so that
// focus is never dropped on <body> and a screen reader announces what changed.

let wanted = null;

/** After the next render, focus the element `selector` names (if it is drawn again). */
export function refocusAfterRender(selector) {
  wanted = selector;
}

/** Focus what `refocusAfterRender` asked for; true when it was found. */
export function restoreWantedFocus() {
  const selector = wanted;
  wanted = null;
  const target = selector ? document.querySelector(selector) : null;
  target?.focus({ preventScroll: true });
  return Boolean(target);
}

/** Focus `element` even when it is not focusable by Tab (a heading, a list). */
export function focusQuietly(element, { scroll = false } = {}) {
  if (!element) return false;
  if (!element.matches('a[href], button, input, select, textarea, [tabindex]')) element.setAttribute('tabindex', '-1');
  element.focus({ preventScroll: !scroll });
  return true;
}

/** Focus the main heading of the view (or the view itself). */
export function focusHeading() {
  const view = document.getElementById('view');
  return focusQuietly(view.querySelector('h1') || view);
}

/** True when nothing sensible has focus (it was on an element the render removed). */
export function focusLost() {
  const active = document.activeElement;
  return !active || active === document.body || !document.contains(active);
}
