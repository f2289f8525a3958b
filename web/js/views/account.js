// Sign in and sign up (email as the user name). Where Cognito emails a code, ask for it;
// where the account is confirmed at once (the local stack), go straight on. /account: the
// public name photos are credited with (the API holds it: PUT /me/profile), and two-step
// sign-in with an authenticator app (./twostep.js).

import { api } from '../api.js';
import {
  answerMfa, AuthError, confirmSignUp, currentUser, MFA_SETUP_CHALLENGE, rememberName, resendCode,
  signIn, signUp,
} from '../auth.js';
import { h, replace, toast } from '../dom.js';
import { brokenRule, ruleChecklist } from '../password.js';
import { mfaSetupStep, twoStepSection } from './twostep.js';

/** `?next=` when it is a path of this site, else "/". */
export function nextPath(query) {
  const next = query.get('next') || '/';
  return next.startsWith('/') && !next.startsWith('//') ? next : '/';
}

/** A labelled input. */
export function field(label, attrs) {
  return h('label', {}, label, h('input', attrs));
}

/** A new password's input with its rules listed under it, met or not as the user types. */
export function newPasswordFields(label = 'Password') {
  const input = h('input', { type: 'password', name: 'password', id: 'password', autocomplete: 'new-password',
    required: true, 'aria-describedby': 'password-rules' });
  return [h('label', {}, label, input), ruleChecklist(input, 'password-rules')];
}

/** Refuse a password that breaks a rule before Cognito is asked, naming the rule. */
export function checkNewPassword(password) {
  const broken = brokenRule(password);
  if (broken) throw new AuthError('InvalidPasswordException', broken);
}

/** An account form: its submit runs `onSubmit(FormData)` and shows its error in words. */
export function form(title, fields, submit, onSubmit, footer) {
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
    h('p', { class: 'forgot-link' }, h('a', { href: `/forgot?next=${encodeURIComponent(next)}`, id: 'forgot-link' }, 'Forgot password?')),
    h('label', { class: 'checkbox' }, h('input', { type: 'checkbox', name: 'keep', id: 'keep', 'aria-describedby': 'keep-help' }),
      'Keep me signed in'),
    h('p', { class: 'muted', id: 'keep-help' }, 'Stays signed in after the browser closes. Only on a device that is yours.'),
  ], 'Sign in', async (data) => {
    const result = await signIn(data.get('email'), data.get('password'), data.get('keep') === 'on');
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

async function saveName(name) {
  const saved = await api('/me/profile', { method: 'PUT', body: { display_name: name } });
  rememberName(saved.display_name);
  return saved;
}

/** Render /signup. */
export function signUpView({ root, query }, navigate) {
  document.title = 'Create account · Stock images';
  const next = nextPath(query);
  replace(root, h('section', { class: 'account-page' }, form('Create your account', [
    field('Your name, as credited on your photos', { name: 'name', id: 'name', autocomplete: 'name', maxlength: 80, required: true }),
    field('Email', { type: 'email', name: 'email', id: 'email', autocomplete: 'username', required: true }),
    newPasswordFields(),
  ], 'Create account', async (data) => {
    const email = String(data.get('email'));
    const password = String(data.get('password'));
    const name = String(data.get('name'));
    checkNewPassword(password);
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
    if (profile.claimed) rememberName(profile.display_name);
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
