import { highlightExcerpt, type Message, type SearchHit, type Segment } from '@rooms/client';

/** How marks show: ANSI styles on a colour terminal, brackets anywhere else (pipes, logs, NO_COLOR). */
export interface Marks {
  match: (s: string) => string;
  dim: (s: string) => string;
}

export const ANSI_MARKS: Marks = {
  // Bold and inverse: visible in any colour scheme, and without colour at all.
  match: (s) => `\x1b[1;7m${s}\x1b[22;27m`,
  dim: (s) => `\x1b[2m${s}\x1b[22m`,
};

export const PLAIN_MARKS: Marks = {
  match: (s) => `[[${s}]]`,
  dim: (s) => s,
};

/** ANSI on a terminal that takes it; https://no-color.org turns colour off. */
export const marksFor = (tty: boolean, env: NodeJS.ProcessEnv = process.env): Marks =>
  tty && !env.NO_COLOR && env.TERM !== 'dumb' ? ANSI_MARKS : PLAIN_MARKS;

/**
 * What someone typed, safe on one terminal line: line breaks become ⏎, and control characters
 * (escape sequences that could move the cursor or retitle the window, bidi overrides) become ?.
 */
export const oneLine = (s: string) => s.replace(/\r\n|\r|\n/g, ' ⏎ ').replace(/[\p{Cc}\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu, '?');

const who = (m: Pick<Message, 'sender'>) => m.sender.username ?? m.sender.display_name;

/** "2026-12-05 14:03", local time. */
export function stamp(iso: string): string {
  const d = new Date(iso);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}

/** Segments as one line of text, the matches marked. */
const render = (segments: Segment[], marks: Marks) =>
  segments.map((s) => (s.match ? marks.match(oneLine(s.text)) : oneLine(s.text))).join('');

/** A message's text for a line: an excerpt of it, "(deleted)", or its files when it has no text. */
function gist(m: Message, segments: Segment[], marks: Marks): string {
  if (m.deleted_at) return '(deleted)';
  if (m.content) return render(segments, marks);
  const files = m.attachments?.length ?? 0;
  return files > 0 ? `(${files} file${files === 1 ? '' : 's'})` : '';
}

/** A message next to a hit, dimmed: "    · alice: what about the release?". */
const contextLine = (m: Message, marks: Marks) => marks.dim(`    · ${who(m)}: ${gist(m, highlightExcerpt(m.content, [], 100), marks)}`);

/**
 * One hit: the message before it (dimmed), the hit as "[room] sender: …text…" with the matches
 * marked and when it was said, then the message after it (dimmed).
 */
export function hitLines(hit: SearchHit, roomLabel: string, marks: Marks): string[] {
  const m = hit.message;
  const lines: string[] = [];
  if (hit.context.before) lines.push(contextLine(hit.context.before, marks));
  lines.push(
    `${roomLabel} ${who(m)}: ${gist(m, highlightExcerpt(m.content, hit.matches, 160), marks)}  ${marks.dim(`(${stamp(m.created_at)})`)}`,
  );
  if (hit.context.after) lines.push(contextLine(hit.context.after, marks));
  return lines;
}

/** "1 result", "23 results", "about 10,000 results". */
export function resultCount(total: number, exact: boolean): string {
  return `${exact ? '' : 'about '}${total.toLocaleString('en-US')} result${total === 1 && exact ? '' : 's'}`;
}
