// Cognito from the browser: SignUp, ConfirmSignUp, InitiateAuth (USER_PASSWORD_AUTH and
// REFRESH_TOKEN_AUTH), RespondToAuthChallenge (an authenticator app's code, or its set-up),
// GlobalSignOut, ForgotPassword and ConfirmForgotPassword, and an authenticator app's set-up:
// AssociateSoftwareToken, VerifySoftwareToken, SetUserMFAPreference, GetUser.
// Tokens live in sessionStorage (per tab, gone when the tab closes), never in cookies; they are
// refreshed before they expire. Tabs of the same browser hand the session to each other over a
// BroadcastChannel (a new tab asks, an open one answers) and sign out together. Only with "Keep me
// signed in" does the refresh token (alone) go to localStorage, removed at sign-out.

import { getConfig } from './config.js';
import { ruleFromCognito } from './password.js';

const STORAGE_KEY = 'stock-images.session';
const KEPT_KEY = 'stock-images.kept'; // localStorage, opt-in: {refreshToken, email}
const OPEN_KEY = 'stock-images.open'; // localStorage: "a tab may hold a session" (no token)
const CHANNEL_NAME = 'stock-images.auth';
const HANDOFF_WAIT_MS = 400; // how long a new tab waits for an open one to answer
const REFRESH_MARGIN_MS = 5 * 60 * 1000;
const listeners = new Set();
const channel = typeof BroadcastChannel === 'function' ? new BroadcastChannel(CHANNEL_NAME) : null;
let session = restore();
let refreshTimer = 0;
let refreshing = null;
let lastEmail = session?.email || '';

/** An error Cognito answered with: `code` is its exception name. */
export class AuthError extends Error {
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}

const FRIENDLY = {
  NotAuthorizedException: 'Incorrect email or password.',
  UserNotFoundException: 'Incorrect email or password.',
  UsernameExistsException: 'An account with this email already exists. Sign in instead.',
  CodeMismatchException: 'That code is not right. Check the email and try again.',
  ExpiredCodeException: 'That code has expired. Ask for a new one.',
  LimitExceededException: 'Too many attempts. Wait a minute and try again.',
  TooManyRequestsException: 'Too many attempts. Wait a minute and try again.',
  UserNotConfirmedException: 'This account is not confirmed yet. Check your email for the code.',
  PasswordResetRequiredException: 'Choose a new password first: use “Forgot password?”.',
  InvalidParameterException: 'Something in the form is not accepted. Check it and try again.',
  NetworkError: 'Cannot reach the sign-in service. Check your connection.',
};
// Anything else Cognito says is not shown raw.
const UNEXPECTED = 'Sign-in did not work this time. Try again in a moment.';

// The same exceptions mean something else for an authenticator code than for an e-mailed one.
const MFA_FRIENDLY = {
  CodeMismatchException: 'That code is not right. Enter the code your authenticator app shows now.',
  EnableSoftwareTokenMFAException: 'That code is not right. Enter the code your authenticator app shows now.',
  NotAuthorizedException: 'This sign-in has expired. Go back and sign in again.',
};
const WRONG_CODE = MFA_FRIENDLY.CodeMismatchException;
// Turning two-step sign-in off where the pool asks everyone for a code (template Mfa=ON).
const REQUIRED_BY_SITE = 'This site asks every account for a code at sign-in, so two-step sign-in'
  + ' cannot be turned off here.';

async function call(action, body) {
  const { cognitoEndpoint, region } = getConfig();
  const endpoint = cognitoEndpoint || `https://cognito-idp.${region}.amazonaws.com/`;
  let response;
  try {
    response = await fetch(endpoint, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/x-amz-json-1.1',
        'X-Amz-Target': `AWSCognitoIdentityProviderService.${action}`,
      },
      body: JSON.stringify(body),
    });
  } catch {
    throw new AuthError('NetworkError', 'Cannot reach the sign-in service. Check your connection.');
  }
  const data = await response.json().catch(() => ({}));
  if (!response.ok) {
    const code = String(data.__type || 'UnknownError').split('#').pop();
    const words = code === 'InvalidPasswordException' ? ruleFromCognito(data.message) : FRIENDLY[code];
    throw new AuthError(code, words || UNEXPECTED);
  }
  return data;
}

function claims(jwt) {
  try {
    const part = jwt.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    const bytes = Uint8Array.from(atob(part), (c) => c.charCodeAt(0));
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return {};
  }
}

function fromResult(result, email, previous) {
  const access = claims(result.AccessToken);
  const id = result.IdToken ? claims(result.IdToken) : {};
  return {
    accessToken: result.AccessToken,
    idToken: result.IdToken || previous?.idToken || null,
    refreshToken: result.RefreshToken || previous?.refreshToken || null,
    expiresAt: (access.exp ? access.exp * 1000 : Date.now() + result.ExpiresIn * 1000),
    email: id.email || email || previous?.email || '',
    name: id.name || previous?.name || '',
    sub: access.sub || '',
    groups: access['cognito:groups'] || [],
    keep: Boolean(previous?.keep),
  };
}

function restore() {
  try {
    const saved = JSON.parse(sessionStorage.getItem(STORAGE_KEY) || 'null');
    return saved && saved.accessToken ? saved : null;
  } catch {
    return null;
  }
}

function store(next, { tell = false } = {}) {
  session = next;
  if (next) {
    lastEmail = next.email;
    sessionStorage.setItem(STORAGE_KEY, JSON.stringify(next));
    localStorage.setItem(OPEN_KEY, '1');
    if (next.keep) localStorage.setItem(KEPT_KEY, JSON.stringify({ refreshToken: next.refreshToken, email: next.email }));
  } else {
    sessionStorage.removeItem(STORAGE_KEY);
    localStorage.removeItem(OPEN_KEY);
    localStorage.removeItem(KEPT_KEY);
  }
  if (tell) channel?.postMessage(next ? { type: 'session', session: next } : { type: 'signed-out' });
  scheduleRefresh();
  for (const listener of listeners) listener(next);
}

// Another tab asks for the session, hands one over, or signed out (so this one does too).
channel?.addEventListener('message', ({ data }) => {
  if (data?.type === 'ask' && session) channel.postMessage({ type: 'session', session });
  else if (data?.type === 'session' && !session && data.session?.accessToken) store(data.session);
  else if (data?.type === 'signed-out' && session) store(null);
});

// A new tab with no session of its own: an open tab of the same browser hands it over.
function askOpenTabs() {
  if (!channel || session || !localStorage.getItem(OPEN_KEY)) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => { clearTimeout(timer); stop(); resolve(); };
    const stop = onSessionChange((next) => { if (next) done(); });
    const timer = setTimeout(done, HANDOFF_WAIT_MS);
    channel.postMessage({ type: 'ask' });
  });
}

// "Keep me signed in": a refresh token kept from an earlier visit gets fresh tokens.
async function resumeKept() {
  let kept = null;
  try {
    kept = JSON.parse(localStorage.getItem(KEPT_KEY) || 'null');
  } catch { /* unreadable: treated as none */ }
  if (session || !kept?.refreshToken) return;
  try {
    const data = await call('InitiateAuth', {
      AuthFlow: 'REFRESH_TOKEN_AUTH', ClientId: getConfig().clientId,
      AuthParameters: { REFRESH_TOKEN: kept.refreshToken },
    });
    if (!session) store(fromResult(data.AuthenticationResult, kept.email, { ...kept, keep: true }));
  } catch (failure) {
    if (failure.code !== 'NetworkError') localStorage.removeItem(KEPT_KEY); // revoked or expired
  }
}

function scheduleRefresh() {
  clearTimeout(refreshTimer);
  if (!session?.refreshToken) return;
  const wait = Math.max(5000, session.expiresAt - Date.now() - REFRESH_MARGIN_MS);
  refreshTimer = setTimeout(() => refresh().catch(() => store(null)), wait);
}

async function refresh() {
  if (!session?.refreshToken) throw new AuthError('NoSession', 'Please sign in again.');
  refreshing ??= call('InitiateAuth', {
    AuthFlow: 'REFRESH_TOKEN_AUTH',
    ClientId: getConfig().clientId,
    AuthParameters: { REFRESH_TOKEN: session.refreshToken },
  }).then((data) => store(fromResult(data.AuthenticationResult, session?.email, session)))
    .finally(() => { refreshing = null; });
  return refreshing;
}

/** Restore the session: this tab's, else an open tab's, else a kept one; then keep it fresh. */
export async function startSession() {
  await askOpenTabs();
  await resumeKept();
  if (session && session.expiresAt < Date.now() && !session.refreshToken) store(null);
  else scheduleRefresh();
}

/** The e-mail of the last session this tab had (to sign in again in place). */
export function lastSignedInEmail() {
  return lastEmail;
}

/** The public name the signed-in user chose: the header shows it. */
export function rememberName(name) {
  if (session && name && name !== session.name) store({ ...session, name }, { tell: true });
}

/** The signed-in user ({email, sub, groups, ...}) or null. */
export function currentUser() {
  return session;
}

/** True when the signed-in user may upload. */
export function canUpload(user = session) {
  return Boolean(user && (user.groups.includes('contributors') || user.groups.includes('admins')));
}

/** Call `listener(session)` whenever someone signs in or out. */
export function onSessionChange(listener) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** A valid access token, refreshed first when it is about to expire; null when signed out. */
export async function accessToken() {
  if (!session) return null;
  if (session.expiresAt - Date.now() < 60 * 1000) {
    try {
      await refresh();
    } catch {
      store(null);
      return null;
    }
  }
  return session?.accessToken || null;
}

/** Force a refresh after the API refused the token; false when the session is gone. */
export async function renewAfterRejection() {
  try {
    await refresh();
    return true;
  } catch {
    store(null);
    return false;
  }
}

/** The code an authenticator app shows (TOTP): Cognito asks for it when MFA is on. */
export const MFA_CHALLENGE = 'SOFTWARE_TOKEN_MFA';

/** Cognito's step for a user who must set up an authenticator app before signing in. */
export const MFA_SETUP_CHALLENGE = 'MFA_SETUP';

function signedIn(data, email, keep = false) {
  if (data.AuthenticationResult) {
    store(fromResult(data.AuthenticationResult, email, { keep }), { tell: true });
    return session;
  }
  if (data.ChallengeName === MFA_CHALLENGE) {
    // The caller asks for the code, then calls answerMfa with this.
    const username = data.ChallengeParameters?.USER_ID_FOR_SRP || email.toLowerCase();
    return { challenge: MFA_CHALLENGE, session: data.Session, username, email, keep };
  }
  if (data.ChallengeName === MFA_SETUP_CHALLENGE) {
    // The pool asks everyone for a code (Mfa=ON) and this user has no app yet: set one up.
    const username = data.ChallengeParameters?.USER_ID_FOR_SRP || email.toLowerCase();
    return { challenge: MFA_SETUP_CHALLENGE, session: data.Session, username, email, keep };
  }
  throw new AuthError(data.ChallengeName || 'Challenge', 'This account needs a step we do not support yet.');
}

/** Sign in with email and password: the session, or a pending MFA challenge ({challenge}).
 * `keep`: keep the refresh token across browser restarts ("Keep me signed in"). */
export async function signIn(email, password, keep = false) {
  const data = await call('InitiateAuth', {
    AuthFlow: 'USER_PASSWORD_AUTH',
    ClientId: getConfig().clientId,
    AuthParameters: { USERNAME: email.trim(), PASSWORD: password },
  });
  return signedIn(data, email.trim(), keep);
}

/** Finish a sign-in Cognito answered with an MFA challenge, with the app's 6-digit code. */
export async function answerMfa(pending, code) {
  const data = await respond(MFA_CHALLENGE, pending.session,
    { USERNAME: pending.username, SOFTWARE_TOKEN_MFA_CODE: code.trim() });
  return signedIn(data, pending.email, pending.keep);
}

/** Answer a sign-in challenge; Cognito's refusals come back in the app's words. */
async function respond(challenge, session, responses) {
  try {
    return await call('RespondToAuthChallenge', {
      ChallengeName: challenge,
      ClientId: getConfig().clientId,
      Session: session,
      ChallengeResponses: responses,
    });
  } catch (failure) {
    throw mfaError(failure);
  }
}

function mfaError(failure) {
  return new AuthError(failure.code, MFA_FRIENDLY[failure.code] || failure.message);
}

async function signedInProof() {
  const token = await accessToken();
  if (!token) throw new AuthError('NoSession', 'Please sign in again.');
  return { AccessToken: token };
}

// Cognito accepts the app once the first code it shows is right: the session or token with it.
async function verifyCode(proof, code) {
  let data;
  try {
    data = await call('VerifySoftwareToken', {
      ...proof, UserCode: code.trim(), FriendlyDeviceName: 'Authenticator app',
    });
  } catch (failure) {
    throw mfaError(failure);
  }
  if (data.Status !== 'SUCCESS') throw new AuthError('CodeMismatchException', WRONG_CODE);
  return data;
}

function preferApp(token, enabled) {
  return call('SetUserMFAPreference', {
    AccessToken: token, SoftwareTokenMfaSettings: { Enabled: enabled, PreferredMfa: enabled },
  });
}

/** The signed-in user's two-step sign-in: {on} when Cognito asks them for an app's code. */
export async function twoStepState() {
  const user = await call('GetUser', await signedInProof());
  const settings = user.UserMFASettingList || [];
  return { on: settings.includes(MFA_CHALLENGE), preferred: user.PreferredMfaSetting || '' };
}

/** Begin setting up an authenticator app for the signed-in user: the secret key it needs. */
export async function startTwoStep() {
  const data = await call('AssociateSoftwareToken', await signedInProof());
  return data.SecretCode;
}

/** Finish with the app's first code: Cognito asks for a code at every sign-in from now on. */
export async function confirmTwoStep(code) {
  const proof = await signedInProof();
  await verifyCode(proof, code);
  await preferApp(proof.AccessToken, true);
}

/** Stop asking for a code (only where the pool makes it optional: Mfa=OPTIONAL). */
export async function turnOffTwoStep() {
  const proof = await signedInProof();
  try {
    await preferApp(proof.AccessToken, false);
  } catch (failure) {
    if (failure.code === 'InvalidParameterException') {
      throw new AuthError(failure.code, REQUIRED_BY_SITE);
    }
    throw failure;
  }
}

/** A sign-in paused for MFA_SETUP: the secret key, and the sign-in carried on ({secret, pending}). */
export async function startMfaSetup(pending) {
  let data;
  try {
    data = await call('AssociateSoftwareToken', { Session: pending.session });
  } catch (failure) {
    throw mfaError(failure);
  }
  return { secret: data.SecretCode, pending: { ...pending, session: data.Session || pending.session } };
}

/** Finish an MFA_SETUP sign-in with the app's first code: signed in, the app preferred. */
export async function finishMfaSetup(pending, code) {
  const verified = await verifyCode({ Session: pending.session }, code);
  const data = await respond(MFA_SETUP_CHALLENGE, verified.Session, { USERNAME: pending.username });
  const result = signedIn(data, pending.email, pending.keep);
  // Cognito turns the app on with the set-up; say it is the preferred one too (best effort).
  if (result.accessToken) await preferApp(result.accessToken, true).catch(() => {});
  return result;
}

/** Create an account; resolves to true when it is already confirmed (no code needed). */
export async function signUp(email, password, name = '') {
  const attributes = [{ Name: 'email', Value: email.trim() }];
  if (name.trim()) attributes.push({ Name: 'name', Value: name.trim() });
  const data = await call('SignUp', {
    ClientId: getConfig().clientId,
    Username: email.trim(),
    Password: password,
    UserAttributes: attributes,
  });
  return Boolean(data.UserConfirmed);
}

/** Confirm a new account with the code Cognito emailed. */
export async function confirmSignUp(email, code) {
  await call('ConfirmSignUp', {
    ClientId: getConfig().clientId, Username: email.trim(), ConfirmationCode: code.trim(),
  });
}

/** Ask Cognito to email a new confirmation code. */
export async function resendCode(email) {
  await call('ResendConfirmationCode', { ClientId: getConfig().clientId, Username: email.trim() });
}

/** Ask Cognito to e-mail a code that lets the user choose a new password. */
export async function forgotPassword(email) {
  await call('ForgotPassword', { ClientId: getConfig().clientId, Username: email.trim() });
}

/** Set a new password with the e-mailed code. */
export async function confirmForgotPassword(email, code, password) {
  await call('ConfirmForgotPassword', {
    ClientId: getConfig().clientId, Username: email.trim(), ConfirmationCode: code.trim(), Password: password,
  });
}

/** Sign out everywhere (best effort), in every tab of this browser, and forget the tokens. */
export async function signOut() {
  const token = session?.accessToken;
  store(null, { tell: true });
  if (token) await call('GlobalSignOut', { AccessToken: token }).catch(() => {});
}
