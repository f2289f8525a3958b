// One image: the biggest sensible rendition, its download control and count, its facts, tags
// as links; edit and delete for its owner (and admins); photos like it underneath.

import { api } from '../api.js';
import { cameraFacts, cameraName } from '../camera.js';
import { currentUser } from '../auth.js';
import { formatDate, h, replace, toast } from '../dom.js';
import { focusQuietly } from '../focus.js';
import { JustifiedGrid, pick, placeholder, srcset } from '../grid.js';
import { explain, MAX_TITLE_CHARS } from '../limits.js';
import { downloadControl, downloadCount, keptOriginalControl } from './download.js';
import { reportControl } from './report.js';
import { searchUrl } from './search.js';

function canEdit(image) {
  const user = currentUser();
  return Boolean(user && (user.sub === image.owner || user.groups.includes('admins')));
}

function picture(image) {
  const best = pick(image.renditions, 2048);
  // As wide as the column allows, but never taller than the screen or wider than the photo.
  const aspect = image.width / image.height;
  const frame = h('div', { class: 'photo-frame', style: {
    aspectRatio: `${image.width} / ${image.height}`,
    width: `min(100%, ${(82 * aspect).toFixed(2)}vh, ${best?.width || image.width}px)`,
  } });
  placeholder(frame, image);
  if (!best) return frame; // a rejected photo's renditions are withdrawn: its colours only
  frame.append(h('img', {
    id: 'photo',
    alt: image.title || 'Untitled photo',
    srcset: srcset(image.renditions),
    sizes: '(min-width: 1400px) 1100px, (min-width: 900px) 70vw, 100vw',
    src: best?.url,
    width: image.width,
    height: image.height,
    decoding: 'async',
    fetchpriority: 'high',
    onload: (event) => event.target.classList.add('loaded'),
  }));
  return frame;
}

function fact(label, value) {
  return value ? [h('dt', {}, label), h('dd', {}, value)] : null;
}

// The credit is the name the contributor chose when this photo was published (a later
// rename does not change it), shown as theirs: never dressed as a staff or verified mark.
function contributor(image) {
  if (!image.owner_name) return null;
  return [h('a', { href: searchUrl({ owner: image.owner }), id: 'contributor-name' }, image.owner_name),
    h('span', { class: 'muted', id: 'credit-kind' }, ' · their chosen public name')];
}

function facts(image) {
  return h('dl', { class: 'facts' },
    fact('Contributor', contributor(image)),
    fact('Size', image.width ? `${image.width} × ${image.height} px` : null),
    fact('Orientation', image.orientation),
    fact('Colour', image.color ? h('span', { class: 'colour' },
      h('span', { class: 'dot', style: { background: image.color_hex || '' } }),
      h('a', { href: searchUrl({ color: image.color }) }, image.color),
      image.color_hex ? h('span', { class: 'muted' }, ` ${image.color_hex}`) : null) : null),
    fact('Uploaded', formatDate(image.created_at)));
}

// A small "Camera" block from the photo's EXIF; photos without it show none.
function cameraBlock(image) {
  const name = cameraName(image.camera);
  const rest = cameraFacts(image.camera);
  if (!name && !rest.length) return null;
  const parts = name ? [h('a', { href: searchUrl({ camera: name }), id: 'camera-name' }, name)] : [];
  for (const text of rest) parts.push(parts.length ? ' · ' : '', text);
  return h('section', { class: 'camera', id: 'camera', 'aria-labelledby': 'camera-title' },
    h('h2', { id: 'camera-title', class: 'muted' }, 'Camera'),
    h('p', { id: 'camera-facts' }, parts));
}

function tagLinks(tags) {
  if (!tags.length) return null;
  return h('ul', { class: 'tag-list', 'aria-label': 'Tags' },
    tags.map((tag) => h('li', {}, h('a', { class: 'chip', href: searchUrl({ tags: tag }) }, `#${tag}`))));
}

// A rejected photo stays rejected: its page says why and offers Delete, never Edit.
function mayEditDetails(image) {
  return canEdit(image) && image.status !== 'rejected';
}

const STATUS_WORDS = { rejected: 'Rejected', failed: 'Failed', in_review: 'In review', pending: 'Pending', processing: 'Processing' };

function statusNote(image) {
  if (image.status === 'ready') return null;
  const words = image.reason ? explain(image.reason)
    : image.status === 'in_review' ? 'A moderator reviews this photo before it appears in search.'
      : 'This photo is still being processed. It appears in search once it is ready.';
  const note = image.moderation_note ? [' The moderator wrote: ', h('q', { id: 'moderation-note' }, image.moderation_note)] : '';
  const label = image.status === 'rejected' ? 'Why it was rejected:' : STATUS_WORDS[image.status] || image.status;
  const shown = h('p', { class: `notice status-${image.status}`, id: 'image-status' },
    h('strong', {}, label), ' ', words, note);
  if (image.duplicate_of) {
    shown.append(' ', h('a', { class: 'duplicate-of', href: `/images/${encodeURIComponent(image.duplicate_of)}` }, 'See the photo you uploaded'));
  }
  return shown;
}

function editForm(image, done) {
  const title = h('input', { id: 'edit-title', name: 'title', value: image.title, maxlength: MAX_TITLE_CHARS, required: true });
  const description = h('textarea', { id: 'edit-description', name: 'description', rows: 3 }, image.description || '');
  const tags = h('input', { id: 'edit-tags', name: 'tags', value: image.tags.join(', ') });
  const error = h('p', { class: 'notice error', role: 'alert', hidden: true });
  const form = h('form', { class: 'edit-form', 'aria-label': 'Edit photo details' },
    h('label', {}, 'Title', title), h('label', {}, 'Description', description),
    h('label', {}, 'Tags (comma separated)', tags), error,
    h('div', { class: 'actions' },
      h('button', { class: 'button', type: 'submit' }, 'Save'),
      h('button', { class: 'button secondary', type: 'button', onclick: () => done(null) }, 'Cancel')));
  form.addEventListener('keydown', (event) => {
    if (event.key !== 'Escape' || event.defaultPrevented) return;
    event.preventDefault();
    done(null);
  });
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const body = { title: title.value, description: description.value,
      tags: tags.value.split(',').map((t) => t.trim()).filter(Boolean) };
    try {
      done(await api(`/images/${encodeURIComponent(image.id)}`, { method: 'PATCH', body }));
      toast('Saved.');
    } catch (failure) {
      error.hidden = false;
      error.textContent = failure.message;
    }
  });
  return form;
}

async function remove(image, navigate) {
  if (!window.confirm(`Delete “${image.title || 'this photo'}” for good?`)) return;
  try {
    await api(`/images/${encodeURIComponent(image.id)}`, { method: 'DELETE' });
    toast('Photo deleted.');
    navigate('/me', { replace: true });
  } catch (failure) {
    toast(failure.message, 'error');
  }
}

function details(image, root, navigate) {
  const owner = canEdit(image) ? h('div', { class: 'actions owner-actions' },
    mayEditDetails(image) ? h('button', { class: 'button secondary', type: 'button', id: 'edit',
      onclick: () => openEditor() }, 'Edit') : null,
    h('button', { class: 'button danger', type: 'button', id: 'delete',
      onclick: () => remove(image, navigate) }, 'Delete')) : null;
  const count = image.status === 'ready' ? downloadCount(image) : null;
  const info = h('div', { class: 'photo-info' },
    h('h1', { id: 'image-title' }, image.title || 'Untitled'),
    count, downloadControl(image, { counted: () => count?.bump() }) || keptOriginalControl(image),
    statusNote(image),
    image.description ? h('p', { class: 'description' }, image.description) : null,
    tagLinks(image.tags), facts(image), cameraBlock(image), owner, reportControl(image));
  // The form takes the details' place with focus in its first field; Save, Cancel and Escape
  // bring the details back with focus on Edit.
  function openEditor() {
    const form = editForm(image, (updated) => show(updated || image));
    info.replaceWith(form);
    form.querySelector('input')?.focus();
  }
  function show(next) {
    replace(root, page(next, root, navigate));
    focusQuietly(document.getElementById('edit'));
  }
  return info;
}

// The grid of the page on screen (an edit renders the page again): stopped when it goes.
let stopSimilar = null;

function endSimilar() {
  if (stopSimilar) stopSimilar();
  stopSimilar = null;
}

// Photos like this one (look-alikes first, then shared tags and colour), with the search
// grid; the section stays hidden unless the API names some.
function similar(image) {
  const gridEl = h('div', { class: 'grid', id: 'similar-grid' });
  const section = h('section', { class: 'photo-similar', id: 'similar', hidden: true,
    'aria-labelledby': 'similar-title' }, h('h2', { id: 'similar-title' }, 'Similar photos'), gridEl);
  endSimilar();
  if (image.status !== 'ready') return section;
  let grid = null;
  stopSimilar = () => { if (grid) grid.destroy(); grid = false; };
  api(`/images/${encodeURIComponent(image.id)}/similar`).then(({ results }) => {
    if (grid === false || !results.length || !section.isConnected) return;
    section.hidden = false;
    grid = new JustifiedGrid(gridEl);
    grid.add(results);
  }).catch(() => { /* the photo page works without it */ });
  return section;
}

function page(image, root, navigate) {
  document.title = `${image.title || 'Untitled'} · Stock images`;
  return h('article', { class: 'photo-page' },
    image.width ? picture(image) : h('div', { class: 'photo-frame missing' }, 'No preview yet'),
    details(image, root, navigate), similar(image));
}

/** Render /images/:id. */
export async function imageView({ params, root, isCurrent }, navigate) {
  replace(root, h('div', { class: 'loading', 'aria-busy': 'true' }, 'Loading photo…'));
  try {
    const image = await api(`/images/${encodeURIComponent(params.id)}`);
    if (isCurrent()) replace(root, page(image, root, navigate));
    return endSimilar;
  } catch (error) {
    if (!isCurrent()) return;
    const missing = error.status === 404;
    document.title = missing ? 'Photo not found · Stock images' : 'Photo unavailable · Stock images';
    // The API's message names the id from the link: not repeated to the visitor.
    replace(root, h('div', { class: 'empty-state', id: missing ? 'photo-not-found' : 'photo-error' },
      h('h1', {}, missing ? 'Photo not found' : 'Could not load this photo'),
      h('p', {}, missing ? 'This photo does not exist or was removed. The link may be mistyped.'
        : error.message),
      h('a', { class: 'button', href: '/' }, 'Back to search')));
  }
}
