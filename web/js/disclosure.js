// A button that shows and hides a list of buttons (the WAI-ARIA disclosure pattern): the
// button says aria-expanded, arrow keys move through the list, Escape closes it and hands
// focus back, and a click or Tab anywhere else closes it too.

/**
 * Wire `toggle` (a <button>) to show and hide `panel`; both live inside `wrapper`.
 * Returns {open, close, isOpen}.
 */
export function disclosure(toggle, panel, wrapper) {
  const items = () => [...panel.querySelectorAll('button:not([disabled])')];
  const isOpen = () => toggle.getAttribute('aria-expanded') === 'true';

  function outside(event) {
    if (!wrapper.isConnected || !wrapper.contains(event.target)) close({ focus: false });
  }

  function open({ focusFirst = false } = {}) {
    toggle.setAttribute('aria-expanded', 'true');
    panel.hidden = false;
    document.addEventListener('pointerdown', outside, true);
    if (focusFirst) items()[0]?.focus();
  }

  function close({ focus = true } = {}) {
    if (!isOpen()) return;
    toggle.setAttribute('aria-expanded', 'false');
    panel.hidden = true;
    document.removeEventListener('pointerdown', outside, true);
    if (focus) toggle.focus();
  }

  // detail 0: the keyboard pressed the button (Enter or Space), so go into the list.
  toggle.addEventListener('click', (event) => {
    if (isOpen()) close();
    else open({ focusFirst: event.detail === 0 });
  });
  toggle.addEventListener('keydown', (event) => {
    if (event.key === 'ArrowDown' && !isOpen()) {
      event.preventDefault();
      open({ focusFirst: true });
    }
  });
  wrapper.addEventListener('keydown', (event) => {
    if (!isOpen()) return;
    if (event.key === 'Escape') {
      event.preventDefault();
      close();
      return;
    }
    const list = items();
    const at = list.indexOf(document.activeElement);
    const up = at < 0 ? list.length - 1 : at - 1;
    const next = { ArrowDown: at + 1, ArrowUp: up, Home: 0, End: list.length - 1 }[event.key];
    if (next === undefined || !list.length) return;
    event.preventDefault();
    list[(next + list.length) % list.length].focus();
  });
  wrapper.addEventListener('focusout', (event) => {
    if (event.relatedTarget && !wrapper.contains(event.relatedTarget)) close({ focus: false });
  });
  return { open, close, isOpen };
}
