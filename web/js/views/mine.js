// My uploads: every image of the signed-in user, any status, newest first; refreshes by
// itself while some are still being processed. An upload that never arrived is "Upload
// interrupted" with Retry and Remove (./interrupted.js).

import { api, queryString } from '../api.js';
import { currentUser } from '../auth.js';
import { formatDate, h, replace } from '../dom.js';
import { pick, placeholder } from '../grid.js';
import { explain } from '../limits.js';
import { interrupted, interruptedActions } from './interrupted.js';

const REFRESH_MS = 2000;
const PER_PAGE = 48;

function card(image, actions) {
  const thumb = pick(image.renditions, 400);
  const visual = h('div', { class: 'mine-thumb' });
  if (image.width) placeholder(visual, image);
  if (thumb) visual.append(h('img', { src: thumb.url, alt: image.title || 'Untitled', loading: 'lazy', width: thumb.width, height: thumb.height }));
  if (interrupted(image)) {
    return h('li', { class: 'mine-card', dataset: { id: image.id, status: image.status, interrupted: 'true' } },
      h('div', {}, visual, h('span', { class: 'mine-title' }, image.title || 'Untitled')),
      h('span', { class: 'badge badge-interrupted' }, 'Upload interrupted'),
      h('p', { class: 'muted mine-note' }, 'The photo never arrived. Choose the file again to retry, or remove it.'),
      interruptedActions(image, actions));
  }
  const note = image.reason ? explain(image.reason)
    : image.status === 'ready' ? formatDate(image.created_at)
      : image.status === 'in_review' ? 'Waiting for review' : 'Being processed…';
  return h('li', { class: 'mine-card', dataset: { id: image.id, status: image.status } },
    h('a', { href: `/images/${encodeURIComponent(image.id)}` }, visual,
      h('span', { class: 'mine-title' }, image.title || 'Untitled')),
    h('span', { class: `badge badge-${image.status}` }, image.status),
    h('p', { class: 'muted mine-note' }, note));
}

function stillWorking(image) {
  return (image.status === 'pending' && !interrupted(image)) || image.status === 'processing';
}

async function load(cursor) {
  return api(`/me/images${queryString({ per_page: PER_PAGE, cursor })}`);
}

/** Render /me. */
export async function mineView({ root, isCurrent }) {
  document.title = 'My uploads · Stock images';
  if (!currentUser()) {
    replace(root, h('div', { class: 'empty-state' }, h('h1', {}, 'My uploads'),
      h('p', {}, 'Sign in to see your photos.'), h('a', { class: 'button', href: '/signin?next=/me' }, 'Sign in')));
    return null;
  }
  const list = h('ul', { class: 'mine-list', id: 'mine' });
  const footer = h('div', { class: 'grid-footer' });
  replace(root, h('section', {},
    h('div', { class: 'result-head' }, h('h1', {}, 'My uploads'),
      h('a', { class: 'button', href: '/upload' }, 'Upload photos')), list, footer));
  let timer = 0;
  let cursor = null;
  let retrying = 0; // retries under way: the list is not redrawn under them
  const actions = {
    changed: () => { clearTimeout(timer); if (!retrying) refresh(); },
    busy: (yes) => { retrying += yes ? 1 : -1; if (yes) clearTimeout(timer); },
  };
  const draw = (image) => card(image, actions);
  async function refresh() {
    try {
      const page = await load(null);
      if (!isCurrent() || retrying) return;
      replace(list, page.results.map(draw));
      cursor = page.next_cursor;
      showMore();
      if (!page.results.length) replace(list, h('li', { class: 'empty-state' }, 'Nothing yet. ', h('a', { href: '/upload' }, 'Upload your first photo')));
      if (page.results.some(stillWorking)) timer = setTimeout(refresh, REFRESH_MS);
    } catch (error) {
      if (isCurrent()) replace(footer, h('p', { class: 'notice error' }, error.message));
    }
  }
  function showMore() {
    if (!cursor) return replace(footer);
    const more = h('button', { class: 'button secondary', type: 'button' }, 'Load more');
    more.addEventListener('click', async () => {
      clearTimeout(timer);
      const page = await load(cursor);
      list.append(...page.results.map(draw));
      cursor = page.next_cursor;
      showMore();
    });
    replace(footer, more);
  }
  await refresh();
  return () => clearTimeout(timer);
}
