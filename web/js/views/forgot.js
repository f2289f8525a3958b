// "Forgot password?": Cognito e-mails a code (ForgotPassword; locally the stack's log prints it),
// then the code and a new password set it (ConfirmForgotPassword), and the user is signed in.

import { confirmForgotPassword, forgotPassword, signIn } from '../auth.js';
import { h, replace, toast } from '../dom.js';
import { checkNewPassword, field, form, newPasswordFields, nextPath } from './account.js';

function askForCode(root, next, navigate) {
  replace(root, h('section', { class: 'account-page' }, form('Reset your password', [
    h('p', {}, 'Enter the email you signed up with. We send a code to it.'),
    field('Email', { type: 'email', name: 'email', id: 'email', autocomplete: 'username', required: true }),
  ], 'Send code', async (data) => {
    const email = String(data.get('email'));
    await forgotPassword(email);
    chooseNewPassword(root, email, next, navigate);
  }, h('p', { class: 'muted' }, h('a', { href: `/signin?next=${encodeURIComponent(next)}` }, 'Back to sign in')))));
  root.querySelector('#email').focus();
}

function chooseNewPassword(root, email, next, navigate) {
  replace(root, h('section', { class: 'account-page' }, form('Choose a new password', [
    h('p', { id: 'code-sent' }, `If an account uses ${email}, a code is on its way there. Enter it with a new password.`),
    field('Code from the email', { name: 'code', id: 'code', inputmode: 'numeric', autocomplete: 'one-time-code', required: true }),
    newPasswordFields('New password'),
  ], 'Set password', async (data) => {
    const password = String(data.get('password'));
    checkNewPassword(password);
    await confirmForgotPassword(email, String(data.get('code')), password);
    const result = await signIn(email, password);
    if (result.challenge) {  // a code from an authenticator app is asked at sign-in: do it there
      toast('Password changed. Sign in with it.');
      navigate(`/signin?next=${encodeURIComponent(next)}`, { replace: true });
      return;
    }
    toast('Password changed. You are signed in.');
    navigate(next, { replace: true });
  }, h('button', { class: 'link', type: 'button', id: 'resend-reset',
    onclick: () => forgotPassword(email).then(() => toast('A new code is on its way.')).catch((e) => toast(e.message, 'error')) },
  'Send a new code'))));
  root.querySelector('#code').focus();
}

/** Render /forgot. */
export function forgotView({ root, query }, navigate) {
  document.title = 'Reset password · Stock images';
  askForCode(root, nextPath(query), navigate);
}
