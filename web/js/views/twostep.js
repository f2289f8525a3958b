// Two-step sign-in with an authenticator app (TOTP; never SMS): the "Two-step sign-in" part of
// /account, and the set-up step of a sign-in when the site asks everyone for a code (Mfa=ON).
// No QR code is drawn (no QR library is loaded): the key is shown as text, in groups of four,
// with the otpauth:// link for apps that take one.

import {
  confirmTwoStep, finishMfaSetup, startMfaSetup, startTwoStep, turnOffTwoStep, twoStepState,
} from '../auth.js';
import { h, replace, toast } from '../dom.js';

const ISSUER = 'Stock images';
const ON_TEXT = 'On: you will be asked for a code from your authenticator app at sign-in.';
const OFF_TEXT = 'Off: you sign in with your email and password only.';

/** "JBSWY3DPEHPK3PXP" -> "JBSW Y3DP EHPK 3PXP": easier to read out and type. */
export function groupedKey(secret) {
  return secret.replace(/(.{4})(?=.)/g, '$1 ');
}

/** The link authenticator apps read (the same thing a QR code would hold). */
export function otpauthLink(secret, email) {
  const label = `${encodeURIComponent(ISSUER)}:${encodeURIComponent(email)}`;
  return `otpauth://totp/${label}?secret=${encodeURIComponent(secret)}&issuer=${encodeURIComponent(ISSUER)}`;
}

function errorBox(id) {
  return h('p', { class: 'notice error', role: 'alert', id, hidden: true });
}

function showError(box, failure) {
  box.hidden = false;
  box.textContent = failure.message;
  box.dataset.code = failure.code || '';
}

/** The key, the link, and a field for the app's first code; `onCode(code)` finishes. */
function enrolForm(secret, email, submitLabel, onCode) {
  const error = errorBox('totp-error');
  const button = h('button', { class: 'button', type: 'submit' }, submitLabel);
  const el = h('form', { class: 'totp-form', id: 'totp-form' },
    h('ol', { class: 'totp-steps' },
      h('li', {}, 'In your authenticator app (for example Google Authenticator, Microsoft'
        + ' Authenticator or 1Password), add an account and choose to enter a setup key.'),
      h('li', {}, 'Enter this key (time-based; the spaces do not matter): ',
        h('code', { class: 'totp-key', id: 'totp-secret' }, groupedKey(secret))),
      h('li', {}, 'Or, if your app takes a link, copy this one: ',
        h('code', { class: 'totp-link', id: 'totp-uri' }, otpauthLink(secret, email))),
      h('li', {}, 'Enter the 6-digit code the app now shows for this site.')),
    h('p', { class: 'muted' }, 'There is no QR code to scan here: this site draws none.'),
    h('label', {}, 'Code', h('input', { name: 'totp-code', id: 'totp-code', inputmode: 'numeric',
      autocomplete: 'one-time-code', pattern: '[0-9]{6}', maxlength: 6, minlength: 6,
      required: true, title: 'Six digits' })),
    error, button);
  el.addEventListener('submit', async (event) => {
    event.preventDefault();
    error.hidden = true;
    button.disabled = true;
    try {
      await onCode(String(new FormData(el).get('totp-code')));
    } catch (failure) {
      showError(error, failure);
    } finally {
      button.disabled = false;
    }
  });
  return el;
}

/** /account's "Two-step sign-in": its state, setting an app up, turning it off. */
export function twoStepSection(email) {
  const status = h('p', { id: 'two-step-status', role: 'status' }, 'Checking…');
  const body = h('div', { class: 'two-step-body' });
  const error = errorBox('two-step-error');
  const section = h('section', { class: 'two-step', id: 'two-step', 'aria-labelledby': 'two-step-title' },
    h('h2', { id: 'two-step-title' }, 'Two-step sign-in'), status, body, error);

  const act = (work) => async (event) => {
    error.hidden = true;
    event.target.disabled = true;
    try {
      await work();
    } catch (failure) {
      showError(error, failure);
      event.target.disabled = false;
    }
  };
  const showOn = () => {
    status.textContent = ON_TEXT;
    section.dataset.state = 'on';
    replace(body, h('button', { class: 'link', type: 'button', id: 'two-step-off',
      onclick: act(async () => { await turnOffTwoStep(); toast('Two-step sign-in is off.'); showOff(); }) },
    'Turn off two-step sign-in'));
  };
  const enrol = async () => {
    const secret = await startTwoStep();
    section.dataset.state = 'setting-up';
    status.textContent = 'Not on yet: follow these steps, then enter the code.';
    replace(body, enrolForm(secret, email, 'Turn on', async (code) => {
      await confirmTwoStep(code);
      toast('Two-step sign-in is on.');
      showOn();
    }), h('button', { class: 'link', type: 'button', id: 'two-step-cancel', onclick: () => showOff() },
      'Cancel'));
    body.querySelector('#totp-code').focus();
  };
  const showOff = () => {
    status.textContent = OFF_TEXT;
    section.dataset.state = 'off';
    replace(body, h('button', { class: 'button', type: 'button', id: 'two-step-setup', onclick: act(enrol) },
      'Set up an authenticator app'));
  };

  twoStepState()
    .then((state) => (state.on ? showOn() : showOff()))
    .catch((failure) => { status.textContent = ''; showError(error, failure); });
  return section;
}

/** A sign-in Cognito paused until the user sets up an app (MFA_SETUP): set it up, go on. */
export async function mfaSetupStep(root, pending, done) {
  const error = errorBox('form-error');
  const page = h('section', { class: 'account-page' },
    h('h1', {}, 'Set up two-step sign-in'),
    h('p', {}, 'This site asks for a code from an authenticator app at every sign-in.'
      + ' Set one up now to finish signing in.'), error);
  replace(root, page);
  let started;
  try {
    started = await startMfaSetup(pending);
  } catch (failure) {
    showError(error, failure);
    return;
  }
  page.append(enrolForm(started.secret, pending.email, 'Sign in', async (code) => {
    await done(await finishMfaSetup(started.pending, code));
  }));
  root.querySelector('#totp-code').focus();
}
