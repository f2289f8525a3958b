// The "Review" link in the header for admins, with the queue's length as a badge. The API has
// no count: the badge is the length of the queue's first page (as many as one request may
// ask for), with "+" when there are more. Fetched once per page load and per user; the review
// page corrects it as it learns more.

import { api, queryString } from './api.js';
import { currentUser } from './auth.js';
import { h } from './dom.js';

/** The largest page the review API gives; the badge counts up to this many exactly. */
export const REVIEW_PAGE = 100;

let link = null;
let badge = null;
let fetchedFor = null;

/** Whether `user` (default: whoever is signed in) moderates. */
export function isAdmin(user = currentUser()) {
  return Boolean(user && user.groups.includes('admins'));
}

/** Show `count` photos waiting (`more`: at least that many). */
export function setReviewCount(count, more = false) {
  if (!badge) return;
  const text = `${count}${more ? '+' : ''}`;
  badge.textContent = text;
  badge.classList.toggle('zero', count === 0 && !more);
  link.setAttribute('aria-label', `Review, ${text} waiting`);
}

async function load() {
  try {
    const page = await api(`/review${queryString({ per_page: REVIEW_PAGE })}`);
    setReviewCount(page.results.length, Boolean(page.next_cursor));
  } catch {
    fetchedFor = null; // a later header redraw tries again; the link itself still works
  }
}

/** The header link to /review with its badge, for admins (null for everyone else). */
export function reviewLink(user = currentUser()) {
  if (!isAdmin(user)) return null;
  if (!link) {
    badge = h('span', { class: 'count-badge zero', id: 'review-count' });
    link = h('a', { href: '/review', class: 'nav-link', id: 'nav-review', 'aria-label': 'Review' },
      h('span', { class: 'review-word' }, 'Review'), badge);
  }
  if (fetchedFor !== user.sub) {
    fetchedFor = user.sub;
    load();
  }
  return link;
}
