// A session that ended while files wait to upload: sign in again in place (a dialog over the
// upload page), then the same files carry on. Escape closes it; the page offers it again.

import { answerMfa, lastSignedInEmail, signIn } from '../auth.js';
import { h } from '../dom.js';

function input(label, attrs) {
  return h('label', {}, label, h('input', attrs));
}

/** Open the dialog; `then()` runs once signed in again. Returns the dialog element. */
export function signInAgain(then) {
  const error = h('p', { class: 'notice error', role: 'alert', id: 'resignin-error', hidden: true });
  const fields = h('div', { class: 'resignin-fields' },
    input('Email', { type: 'email', name: 'email', id: 'resignin-email', autocomplete: 'username',
      required: true, value: lastSignedInEmail() }),
    input('Password', { type: 'password', name: 'password', id: 'resignin-password', autocomplete: 'current-password', required: true }));
  const button = h('button', { class: 'button', type: 'submit' }, 'Sign in and continue');
  const form = h('form', { class: 'account-form', method: 'dialog' },
    h('h2', { id: 'resignin-title' }, 'Sign in again to continue'),
    h('p', {}, 'Your session ended. Your photos are still here: sign in and they carry on uploading.'),
    fields, error, button);
  const dialog = h('dialog', { class: 'resignin', id: 'resignin', 'aria-labelledby': 'resignin-title' }, form);
  let pending = null; // an authenticator app's code is asked for
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    error.hidden = true;
    button.disabled = true;
    try {
      const data = new FormData(form);
      const result = pending ? await answerMfa(pending, String(data.get('mfa-code')))
        : await signIn(String(data.get('email')), String(data.get('password')));
      if (result.challenge) {
        pending = result;
        fields.replaceChildren(input('Code from your authenticator app', { name: 'mfa-code', id: 'resignin-code',
          inputmode: 'numeric', autocomplete: 'one-time-code', required: true }));
        fields.querySelector('input').focus();
        return;
      }
      dialog.close();
      dialog.remove();
      then();
    } catch (failure) {
      error.hidden = false;
      error.textContent = failure.message;
    } finally {
      button.disabled = false;
    }
  });
  dialog.addEventListener('close', () => dialog.remove());
  document.body.append(dialog);
  dialog.showModal();
  dialog.querySelector(lastSignedInEmail() ? '#resignin-password' : '#resignin-email').focus();
  return dialog;
}
