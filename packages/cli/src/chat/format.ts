import { type Attachment, type EventMessage, formatBytes, type Message } from '@rooms/client';

/** "14:05", local time. */
export const clock = (iso: string): string => {
  const d = new Date(iso);
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
};

const who = (m: EventMessage | Message) => m.sender.username ?? m.sender.display_name;

/** Control characters (escape sequences, bidi overrides) never reach the terminal from a file name. */
const printable = (s: string) => s.replace(/[\p{Cc}\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu, '?');

/** "[image: cat.jpg 1.2 MB] https://chat.example.com/attachments/…": the URL made absolute on the server's address. */
export function attachmentLine(a: Attachment, base: string): string {
  let url = a.url;
  try {
    url = new URL(a.url, `${base}/`).toString();
  } catch {
    // Not a URL the server would send: shown as it is.
  }
  return `[${a.kind}: ${printable(a.filename)} ${formatBytes(a.size)}] ${url}`;
}

/** A message body on the terminal: continuation lines indented under the first, then a line per attachment. */
function body(m: EventMessage | Message, indent: number, base: string): string {
  const pad = `\n${' '.repeat(indent)}`;
  const lines = [...(m.content ? [m.content.replace(/\n/g, pad)] : []), ...(m.attachments ?? []).map((a) => attachmentLine(a, base))];
  return lines.join(pad);
}

/** How a system message's line is set off (dimmed on a colour terminal: see marksFor). */
type Dim = (s: string) => string;
const asIs: Dim = (s) => s;

/** A system message, one line, made printable: "* alice joined" (its sender, then its content, which names nobody). */
const systemText = (m: EventMessage | Message) => `* ${printable(`${who(m)} ${m.content}`.replace(/\s+/g, ' '))}`;

/** "[general] bob: hello" or "(dm) bob: hello" for messages arriving live; "[general] * alice joined", dimmed, for system ones. */
export function liveLine(m: EventMessage, where: { name: string; direct: boolean }, base = '', dim: Dim = asIs): string {
  if (m.type === 'system') return dim(`${where.direct ? '(dm)' : `[${where.name}]`} ${systemText(m)}`);
  const head = `${where.direct ? '(dm)' : `[${where.name}]`} ${who(m)}: `;
  return head + body(m, head.length, base);
}

/** "[14:05] bob: hello" for history and "while you were away"; "[14:05] * alice joined", dimmed, for system messages. */
export function historyLine(m: EventMessage | Message, indent = '', base = '', dim: Dim = asIs): string {
  if (m.type === 'system') return indent + dim(`[${clock(m.created_at)}] ${systemText(m)}`);
  const head = `${indent}[${clock(m.created_at)}] ${who(m)}: `;
  return head + body(m, head.length, base);
}

/** "alice, bob (away), carol (offline)". */
export function names(entries: { user: { username: string | null; display_name: string }; status: string }[], me: string): string {
  return entries
    .map((e) => {
      const name = e.user.username ?? e.user.display_name;
      const notes = [name === me ? 'you' : '', e.status === 'online' ? '' : e.status].filter(Boolean);
      return notes.length > 0 ? `${name} (${notes.join(', ')})` : name;
    })
    .join(', ');
}

/** The targets of send / blacklist / whitelist: "bob" or "(bob carol)". */
export function parseTargets(args: string): { targets: string[]; rest: string } | undefined {
  const group = /^\(([^)]*)\)\s*(.*)$/s.exec(args);
  if (group) {
    const targets = group[1]!
      .split(/[\s,]+/)
      .filter(Boolean)
      .map((t) => t.toLowerCase());
    return targets.length > 0 ? { targets: [...new Set(targets)], rest: group[2]!.trim() } : undefined;
  }
  const single = /^(\S+)\s*(.*)$/s.exec(args);
  return single ? { targets: [single[1]!.toLowerCase()], rest: single[2]!.trim() } : undefined;
}
