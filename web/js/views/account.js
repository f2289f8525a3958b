// Sign in and sign up (email as the user name). Where Cognito emails a code, ask for it;
// where the account is confirmed at once (the local stack), go straight on. /account: the
// public name photos are credited with (the API holds it: PUT /me/profile), and two-step
// sign-in with an authenticator app (./twostep.js).

import { api } from '../api.js';
import {
  answerMfa, confirmSignUp, currentUser, MFA_SETUP_CHALLENGE, resendCode, signIn, signUp,
} from '../auth.js';
import { h, replace, toast } from '../dom.js';
import { mfaSetupStep, twoStepSection } from './twostep.js';

const PASSWORD_HINT = 'At least 10 characters, with upper- and lower-case letters and a number.';

function nextPath(query) {
  const next = query.get('next') || '/';
  return next.startsWith('/') && !next.startsWith('//') ? next : '/';
}

function field(label, attrs) {
  return h('label', {}, label, h('input', attrs));
}

function form(title, fields, submit, onSubmit, footer) {
  const error = h('p', { class: 'notice error', role: 'alert', id: 'form-error', hidden: true });
  const button = h('button', { class: 'button', type: 'submit' }, submit);
  const el = h('form', { class: 'account-form', 'aria-labelledby': 'form-title', novalidate: false },
    h('h1', { id: 'form-title' }, title), fields, error, button, footer);
  el.addEventListener('submit', async (event) => {
    event.preventDefault();
    error.hidden = true;
    button.disabled = true;
    try {
      await onSubmit(new FormData(el));
    } catch (failure) {
      error.hidden = false;
      error.textContent = failure.message;
      error.dataset.code = failure.code || '';
    } finally {
      button.disabled = false;
    }
  });
  return el;
}

/** Render /signin. */
export function signInView({ root, query }, navigate) {
  document.title = 'Sign in · Stock images';
  const next = nextPath(query);
  replace(root, h('section', { class: 'account-page' }, form('Sign in', [
    field('Email', { type: 'email', name: 'email', id: 'email', autocomplete: 'username', required: true }),
    field('Password', { type: 'password', name: 'password', id: 'password', autocomplete: 'current-password', required: true }),
  ], 'Sign in', async (data) => {
    const result = await signIn(data.get('email'), data.get('password'));
    signedInOrAsked(root, result, next, () => {
      toast('Signed in.');
      navigate(next, { replace: true });
    });
  }, h('p', { class: 'muted' }, 'New here? ', h('a', { href: `/signup?next=${encodeURIComponent(next)}` }, 'Create an account')))));
  root.querySelector('#email').focus();
}

// Signed in (then `then()`), or Cognito asks for one more step first: an app's code, or
// setting an app up (MFA_SETUP, when the pool asks everyone: a new account too).
function signedInOrAsked(root, result, next, then) {
  if (result.challenge === MFA_SETUP_CHALLENGE) {
    mfaSetupStep(root, result, (done) => signedInOrAsked(root, done, next, then));
  } else if (result.challenge) {
    mfaStep(root, result, next, then);
  } else {
    return then();
  }
  return undefined;
}

// The pool asks for an authenticator app's code (template parameter Mfa): six digits.
function mfaStep(root, pending, next, then) {
  replace(root, h('section', { class: 'account-page' }, form('Enter your code', [
    h('p', {}, 'Open your authenticator app and enter the 6-digit code it shows for this site.'),
    field('Code', { name: 'mfa-code', id: 'mfa-code', inputmode: 'numeric', autocomplete: 'one-time-code',
      pattern: '[0-9]{6}', maxlength: 6, minlength: 6, required: true, title: 'Six digits' }),
  ], 'Sign in', async (data) => {
    await signedInOrAsked(root, await answerMfa(pending, String(data.get('mfa-code'))), next, then);
  }, h('p', { class: 'muted' }, h('a', { href: `/signin?next=${encodeURIComponent(next)}` }, 'Start again')))));
  root.querySelector('#mfa-code').focus();
}

function codeStep(root, email, password, name, next, navigate) {
  replace(root, h('section', { class: 'account-page' }, form('Check your email', [
    h('p', {}, `We sent a code to ${email}. Enter it to finish.`),
    field('Code', { name: 'code', id: 'code', inputmode: 'numeric', autocomplete: 'one-time-code', required: true }),
  ], 'Confirm', async (data) => {
    await confirmSignUp(email, data.get('code'));
    await signedInOrAsked(root, await signIn(email, password), next, () => welcome(name, next, navigate));
  }, h('button', { class: 'link', type: 'button',
    onclick: () => resendCode(email).then(() => toast('A new code is on its way.')) }, 'Send a new code'))));
}

let refusedAtSignUp = '';

/** Claim the public name given at sign-up; when it is refused, say why on /account. */
async function welcome(name, next, navigate) {
  try {
    await saveName(name);
  } catch (failure) {
    refusedAtSignUp = failure.message;  // shown on /account (not in its URL: no forged words)
    toast('Your account is ready, but your public name was not accepted.', 'error');
    navigate('/account', { replace: true });
    return;
  }
  toast('Welcome! Your account is ready.');
  navigate(next, { replace: true });
}

function saveName(name) {
  return api('/me/profile', { method: 'PUT', body: { display_name: name } });
}

/** Render /signup. */
export function signUpView({ root, query }, navigate) {
  document.title = 'Create account · Stock images';
  const next = nextPath(query);
  replace(root, h('section', { class: 'account-page' }, form('Create your account', [
    field('Your name, as credited on your photos', { name: 'name', id: 'name', autocomplete: 'name', maxlength: 80, required: true }),
    field('Email', { type: 'email', name: 'email', id: 'email', autocomplete: 'username', required: true }),
    field('Password', { type: 'password', name: 'password', id: 'password', autocomplete: 'new-password', required: true, minlength: 10, 'aria-describedby': 'password-hint' }),
    h('p', { class: 'muted', id: 'password-hint' }, PASSWORD_HINT),
  ], 'Create account', async (data) => {
    const email = String(data.get('email'));
    const password = String(data.get('password'));
    const name = String(data.get('name'));
    if (await signUp(email, password, name)) {
      const result = await signIn(email, password);
      await signedInOrAsked(root, result, next, () => welcome(name, next, navigate));
    } else {
      codeStep(root, email, password, name, next, navigate);
    }
  }, h('p', { class: 'muted' }, 'Already have an account? ', h('a', { href: `/signin?next=${encodeURIComponent(next)}` }, 'Sign in')))));
  root.querySelector('#name').focus();
}

const NAME_HELP = 'Shown as the credit on the photos you upload from now on (“Photo by …”).'
  + ' Photos already published keep the name they were published with.'
  + ' Names that look like the site’s staff, or another contributor’s name, are refused.';

/** Render /account: the public name the signed-in contributor is credited with, and
 * two-step sign-in. */
export async function accountView({ root, isCurrent }) {
  document.title = 'Your account · Stock images';
  if (!currentUser()) {
    replace(root, h('div', { class: 'empty-state' }, h('h1', {}, 'Your account'),
      h('p', {}, 'Sign in to choose your public name.'),
      h('a', { class: 'button', href: '/signin?next=/account' }, 'Sign in')));
    return;
  }
  const input = h('input', { name: 'display_name', id: 'display-name', autocomplete: 'nickname',
    maxlength: 80, required: true, 'aria-describedby': 'display-name-help' });
  const status = h('p', { class: 'muted', id: 'display-name-status', role: 'status' });
  const el = form('Your public name', [
    h('label', {}, 'Public name', input),
    h('p', { class: 'muted', id: 'display-name-help' }, NAME_HELP), status,
  ], 'Save name', async (data) => {
    const saved = await saveName(String(data.get('display_name')));
    input.value = saved.display_name;
    status.textContent = `Saved: new photos are credited to “${saved.display_name}”.`;
    toast('Public name saved.');
  });
  replace(root, h('section', { class: 'account-page' }, el, twoStepSection(currentUser().email)));
  if (refusedAtSignUp) showError(el, refusedAtSignUp);
  refusedAtSignUp = '';
  try {
    const profile = await api('/me/profile');
    if (isCurrent && !isCurrent()) return;
    if (!input.value) input.value = profile.display_name || '';
    if (!profile.claimed) status.textContent = 'Not saved yet: save a name to be credited by it.';
  } catch (failure) {
    showError(el, failure.message);
  }
  el.dataset.loaded = 'true';
}

function showError(el, message) {
  const error = el.querySelector('#form-error');
  error.hidden = false;
  error.textContent = message;
}
