// Suggestions as you type under the header's search box: an ARIA combobox fed by
// /api/suggest, with arrow keys, Enter and Escape.

import { api, queryString } from './api.js';
import { debounce, h, replace } from './dom.js';

/** Wire the combobox: `input` gets suggestions in `list`; `choose(text)` runs a search. */
export function attachSuggestions(input, list, choose) {
  let items = [];
  let active = -1;
  let asked = '';

  function close() {
    list.hidden = true;
    input.setAttribute('aria-expanded', 'false');
    input.removeAttribute('aria-activedescendant');
    active = -1;
  }

  function highlight(index) {
    active = index;
    list.querySelectorAll('[role=option]').forEach((el, i) => el.setAttribute('aria-selected', String(i === index)));
    if (index >= 0) input.setAttribute('aria-activedescendant', `suggestion-${index}`);
    else input.removeAttribute('aria-activedescendant');
  }

  function show(suggestions) {
    items = suggestions;
    if (!items.length) return close();
    replace(list, items.map((text, i) => h('li', {
      id: `suggestion-${i}`, role: 'option', 'aria-selected': 'false',
      onmousedown: (e) => { e.preventDefault(); close(); choose(text); },
    }, text)));
    list.hidden = false;
    input.setAttribute('aria-expanded', 'true');
    active = -1;
  }

  const ask = debounce(async () => {
    const text = input.value.trim();
    asked = text;
    if (text.length < 2) return close();
    try {
      const answer = await api(`/suggest${queryString({ q: text })}`);
      if (asked === text && document.activeElement === input) show(answer.suggestions || []);
    } catch {
      close(); // suggestions are a nicety: a failure just means none
    }
  }, 120);

  input.addEventListener('input', ask);
  input.addEventListener('blur', () => setTimeout(close, 100));
  input.addEventListener('keydown', (event) => {
    if (list.hidden) return;
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      let next = active + (event.key === 'ArrowDown' ? 1 : -1);
      if (next >= items.length) next = -1; // past either end: back to what was typed
      else if (next < -1) next = items.length - 1;
      highlight(next);
    } else if (event.key === 'Enter' && active >= 0) {
      event.preventDefault();
      const text = items[active];
      close();
      choose(text);
    } else if (event.key === 'Escape') {
      close();
    }
  });
  return close;
}
