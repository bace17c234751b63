/** Durations and moments in words ("in 3 days", "1 hour"), in the browser's locale. */
const relative = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
const short = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 86400],
  ['month', 30 * 86400],
  ['week', 7 * 86400],
  ['day', 86400],
  ['hour', 3600],
  ['minute', 60],
];

/** "in 6 days", "in 45 minutes", "3 hours ago". */
export function fromNow(iso: string, now = Date.now()): string {
  const secs = (Date.parse(iso) - now) / 1000;
  for (const [unit, size] of UNITS) if (Math.abs(secs) >= size) return relative.format(Math.round(secs / size), unit);
  return relative.format(Math.round(secs), 'second');
}

export const formatShort = (iso: string) => short.format(new Date(iso));

/** Choices of a length of time, in seconds (null: no end). */
export interface Duration {
  label: string;
  seconds: number | null;
}

export const MUTE_DURATIONS: readonly Duration[] = [
  { label: '15 minutes', seconds: 15 * 60 },
  { label: '1 hour', seconds: 3600 },
  { label: '8 hours', seconds: 8 * 3600 },
  { label: '1 day', seconds: 86400 },
  { label: '1 week', seconds: 7 * 86400 },
  { label: 'Until unmuted', seconds: null },
];

export const INVITE_EXPIRIES: readonly Duration[] = [
  { label: '1 hour', seconds: 3600 },
  { label: '1 day', seconds: 86400 },
  { label: '7 days', seconds: 7 * 86400 },
  { label: '30 days', seconds: 30 * 86400 },
];
