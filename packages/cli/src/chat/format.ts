import type { EventMessage, Message } from '@rooms/client';

/** "14:05", local time. */
export const clock = (iso: string): string => {
  const d = new Date(iso);
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
};

const who = (m: EventMessage | Message) => m.sender.username ?? m.sender.display_name;

/** A message body on the terminal: continuation lines indented under the first. */
const body = (m: EventMessage | Message, indent: number) => m.content.replace(/\n/g, `\n${' '.repeat(indent)}`);

/** "[general] bob: hello" or "(dm) bob: hello" for messages arriving live. */
export function liveLine(m: EventMessage, where: { name: string; direct: boolean }): string {
  const head = `${where.direct ? '(dm)' : `[${where.name}]`} ${who(m)}: `;
  return head + body(m, head.length);
}

/** "[14:05] bob: hello" for history and "while you were away". */
export function historyLine(m: EventMessage | Message, indent = ''): string {
  const head = `${indent}[${clock(m.created_at)}] ${who(m)}: `;
  return head + body(m, head.length);
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
    const targets = group[1]!.split(/[\s,]+/).filter(Boolean).map((t) => t.toLowerCase());
    return targets.length > 0 ? { targets: [...new Set(targets)], rest: group[2]!.trim() } : undefined;
  }
  const single = /^(\S+)\s*(.*)$/s.exec(args);
  return single ? { targets: [single[1]!.toLowerCase()], rest: single[2]!.trim() } : undefined;
}
