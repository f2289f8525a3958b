// The user pool's password rules (template.yaml UserPool Policies.PasswordPolicy, mirrored here;
// tests/unit/web/test_password_rules_mirror.py keeps the two equal): listed as the user types,
// checked before Cognito is asked, and Cognito's refusals turned into the rule they break.

import { h } from './dom.js';

export const PASSWORD_POLICY = {
  MinimumLength: 10,
  RequireLowercase: true,
  RequireUppercase: true,
  RequireNumbers: true,
  RequireSymbols: false,
};

// Each rule: what it asks, how to check it, and the words Cognito uses when it is broken.
const RULES = [
  { id: 'length', on: () => true, text: (p) => `At least ${p.MinimumLength} characters`,
    kept: (pw, p) => pw.length >= p.MinimumLength, cognito: /long enough|length/i },
  { id: 'upper', on: (p) => p.RequireUppercase, text: () => 'An upper-case letter (A–Z)',
    kept: (pw) => /[A-Z]/.test(pw), cognito: /uppercase/i },
  { id: 'lower', on: (p) => p.RequireLowercase, text: () => 'A lower-case letter (a–z)',
    kept: (pw) => /[a-z]/.test(pw), cognito: /lowercase/i },
  { id: 'digit', on: (p) => p.RequireNumbers, text: () => 'A digit (0–9)',
    kept: (pw) => /[0-9]/.test(pw), cognito: /numeric/i },
  { id: 'symbol', on: (p) => p.RequireSymbols, text: () => 'A symbol such as ! or #',
    kept: (pw) => /[^A-Za-z0-9\s]/.test(pw), cognito: /symbol/i },
];

/** The rules in force: [{id, text, kept(password)}]. */
export function passwordRules(policy = PASSWORD_POLICY) {
  return RULES.filter((rule) => rule.on(policy)).map((rule) => ({
    id: rule.id, text: rule.text(policy), kept: (pw) => rule.kept(pw, policy), cognito: rule.cognito,
  }));
}

// "An upper-case letter (A–Z)" inside a sentence: only its first letter lowered.
const inSentence = (text) => text.charAt(0).toLowerCase() + text.slice(1);

/** The sentence for the first rule `password` breaks, or '' when it keeps them all. */
export function brokenRule(password, policy = PASSWORD_POLICY) {
  const broken = passwordRules(policy).find((rule) => !rule.kept(password));
  return broken ? `The password needs: ${inSentence(broken.text)}.` : '';
}

/** Cognito's InvalidPasswordException message as the rule it names (never its raw words). */
export function ruleFromCognito(message, policy = PASSWORD_POLICY) {
  const named = passwordRules(policy).find((rule) => rule.cognito.test(String(message || '')));
  return named ? `The password needs: ${inSentence(named.text)}.`
    : 'This password is not accepted. Choose a longer one that mixes letters and digits.';
}

/** A live checklist of the rules under `input`: each item says met or not as the user types. */
export function ruleChecklist(input, id) {
  const rules = passwordRules();
  const items = rules.map((rule) => h('li', { dataset: { rule: rule.id, met: 'false' } }, rule.text));
  const list = h('ul', { class: 'password-rules', id, 'aria-label': 'Password rules' }, items);
  const update = () => rules.forEach((rule, i) => {
    const met = rule.kept(input.value);
    items[i].dataset.met = String(met);
    items[i].setAttribute('aria-label', `${rule.text}: ${met ? 'done' : 'not yet'}`);
  });
  input.addEventListener('input', update);
  update();
  return list;
}
