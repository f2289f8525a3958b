// The upload quotas in plain words: what GET /api/me/quota says, and why a grant was refused
// (429 too_many_pending / daily_limit) with when to try again.

/** A wait in seconds in plain words: "40 seconds", "5 minutes", "3 hours 10 minutes". */
export function waitInWords(seconds) {
  const plural = (n, unit) => `${n} ${unit}${n === 1 ? '' : 's'}`;
  if (seconds < 60) return plural(Math.max(1, Math.ceil(seconds)), 'second');
  const minutes = Math.ceil(seconds / 60);
  if (minutes < 60) return plural(minutes, 'minute');
  const rest = minutes % 60;
  return plural(Math.floor(minutes / 60), 'hour') + (rest ? ` ${plural(rest, 'minute')}` : '');
}

function clockTime(seconds, now) {
  const at = new Date(now.getTime() + seconds * 1000);
  return at.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}

/** "You can start 20 more uploads now; 480 left today." from the quota the API reports. */
export function quotaSentence(quota) {
  const openSlots = Math.max(0, quota.max_pending - quota.pending);
  const leftToday = quota.daily_limit === null ? null : Math.max(0, quota.daily_limit - quota.today);
  const now = Math.min(openSlots, leftToday ?? openSlots);
  const start = now === 0 ? 'You cannot start another upload right now'
    : `You can start ${now} more upload${now === 1 ? '' : 's'} now`;
  const day = leftToday === null ? 'no daily limit for your account' : `${leftToday} left today`;
  const waiting = quota.pending ? ` (${quota.pending} waiting for their files)` : '';
  return `${start}; ${day}${waiting}.`;
}

/** Plain words for a grant refused by a quota, or null for any other error. */
export function quotaRefusal(error, now = new Date()) {
  const wait = error.retryAfter || 60;
  if (error.code === 'too_many_pending') {
    return `Not started: too many of your uploads are still waiting for their files. `
      + `Try this one again in ${waitInWords(wait)} (around ${clockTime(wait, now)}).`;
  }
  if (error.code === 'daily_limit') {
    return `Not started: you have reached today's upload limit. `
      + `Try again after midnight UTC, in ${waitInWords(wait)} (around ${clockTime(wait, now)}).`;
  }
  return null;
}
