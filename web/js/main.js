// Start-up: read config.json, restore the session (this tab's, an open tab's or a kept one),
// draw the header, route.

import { api } from './api.js';
import { canUpload, currentUser, onSessionChange, rememberName, signOut, startSession } from './auth.js';
import { loadConfig } from './config.js';
import { h, replace, toast } from './dom.js';
import { focusHeading, focusLost, focusQuietly, refocusAfterRender, restoreWantedFocus } from './focus.js';
import { queryRefusal } from './limits.js';
import { navigate, notFound, route, start } from './router.js';
import { reviewLink } from './reviewcount.js';
import { attachSuggestions } from './suggest.js';
import { accountView, signInView, signUpView } from './views/account.js';
import { forgotView } from './views/forgot.js';
import { imageView } from './views/image.js';
import { mineView } from './views/mine.js';
import { reviewView } from './views/review.js';
import { searchUrl, searchView, stateFrom } from './views/search.js';
import { uploadView } from './views/upload.js';
import { wantedView } from './views/wanted.js';

function accountNav() {
  const nav = document.getElementById('account');
  const user = currentUser();
  if (!user) {
    replace(nav, h('a', { href: '/signin', class: 'nav-link', id: 'nav-signin' }, 'Sign in'),
      h('a', { href: '/signup', class: 'button small', id: 'nav-signup' }, 'Join'));
    return;
  }
  const out = h('button', { class: 'link nav-link', type: 'button', id: 'nav-signout' }, 'Sign out');
  out.addEventListener('click', async () => {
    await signOut();
    toast('Signed out.');
    navigate('/');
  });
  replace(nav,
    canUpload(user) ? h('a', { href: '/upload', class: 'button small', id: 'nav-upload' }, 'Upload') : null,
    reviewLink(user),
    h('a', { href: '/me', class: 'nav-link', id: 'nav-mine' }, 'My uploads'),
    h('a', { href: '/account', class: 'nav-link', id: 'nav-account', title: 'Your public name and two-step sign-in' },
      h('span', { class: 'who', id: 'nav-user' }, user.name || 'Your account')),
    out);
}

// A session whose tokens carry no name (an account made before names, some sign-in paths):
// the header asks the API for the public name once.
let askedName = '';
function learnName(user) {
  if (!user || user.name || askedName === user.sub) return;
  askedName = user.sub;
  api('/me/profile').then((profile) => rememberName(profile.display_name)).catch(() => {});
}

function searchBox() {
  const form = document.getElementById('search-form');
  const input = document.getElementById('q');
  const go = (text) => {
    // Too long: refused with the limit, the text left as typed (the input has no maxlength,
    // which would cut a pasted search silently).
    const refusal = queryRefusal(text.trim());
    input.setAttribute('aria-invalid', String(Boolean(refusal)));
    if (refusal) {
      toast(refusal, 'error');
      return;
    }
    const here = location.pathname === '/' ? stateFrom(new URLSearchParams(location.search)) : {};
    const next = { q: text.trim() || undefined, orientation: here.orientation, color: here.color };
    input.blur();
    navigate(searchUrl(next));
  };
  const close = attachSuggestions(input, document.getElementById('suggestions'), (text) => {
    input.value = text;
    go(text);
  });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    close();
    go(input.value);
  });
}

function missingPage({ root }) {
  document.title = 'Not found · Stock images';
  replace(root, h('div', { class: 'empty-state' }, h('h1', {}, 'Page not found'),
    h('a', { class: 'button', href: '/' }, 'Back to search')));
}

// Filter chips are links that re-render the page: keep keyboard focus on the same chip.
document.addEventListener('click', (event) => {
  const chip = event.target.closest?.('[data-facet]');
  if (chip) refocusAfterRender(`[data-facet="${CSS.escape(chip.dataset.facet)}"][data-value="${CSS.escape(chip.dataset.value)}"]`);
}, true);

let firstRender = true;

function placeFocus() {
  if (firstRender) { // a page just opened: the browser's own start (Tab reaches the skip link first)
    firstRender = false;
    return;
  }
  // Back on the control the user was using when it is drawn again; else, when the render took
  // the focused element away (a link to a new page, a search), on the new content's heading,
  // which screen readers announce. Focus the user still has (typing in the search box) stays.
  if (restoreWantedFocus()) return;
  if (focusLost()) focusHeading();
}

// The skip link lands on the results when there are some (the router must not take it).
function skipLink() {
  document.querySelector('.skip-link').addEventListener('click', (event) => {
    event.preventDefault();
    focusQuietly(document.getElementById('results') || document.getElementById('view'), { scroll: true });
  });
}

async function main() {
  const view = document.getElementById('view');
  try {
    await loadConfig();
  } catch (error) {
    replace(view, h('div', { class: 'empty-state' }, h('h1', {}, 'The app could not start'), h('p', {}, String(error.message))));
    return;
  }
  await startSession();
  accountNav();
  onSessionChange(() => { accountNav(); });
  onSessionChange(learnName);
  learnName(currentUser());
  searchBox();
  route('/', (ctx) => searchView(ctx, navigate));
  route('/images/:id', (ctx) => imageView(ctx, navigate));
  route('/upload', (ctx) => uploadView(ctx, navigate));
  route('/me', (ctx) => mineView(ctx, navigate));
  route('/wanted', (ctx) => wantedView(ctx, navigate));
  route('/review', (ctx) => reviewView(ctx, navigate));
  route('/account', (ctx) => accountView(ctx, navigate));
  route('/signin', (ctx) => signInView(ctx, navigate));
  route('/signup', (ctx) => signUpView(ctx, navigate));
  route('/forgot', (ctx) => forgotView(ctx, navigate));
  notFound(missingPage);
  document.addEventListener('routechange', placeFocus);
  skipLink();
  await start(view);
  document.body.dataset.ready = 'true';
}

main();
