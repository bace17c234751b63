import { isRoomsApiError } from '@rooms/client';
import { clock, names } from '../format.ts';
import type { ChatSession } from '../session.ts';
import { type Command, count, none, text, UsageError } from './types.ts';

/** "alice (you), bob (away) … and 3 more", and how many there are. */
async function listing(
  s: ChatSession,
  state: 'online' | 'connected' | 'active',
  minutes?: number,
): Promise<{ text: string; total: number }> {
  const { items, total } = await s.client.presence.list(minutes === undefined ? { state } : { state, minutes });
  const more = total > items.length ? ` … and ${total - items.length} more` : '';
  return { text: total === 0 ? 'nobody' : `${names(items, s.me.username)}${more}`, total };
}

export const who: Command = {
  name: 'who',
  usage: 'who',
  summary: 'who is online now',
  async run(s, args) {
    none(args);
    const { text, total } = await listing(s, 'online');
    s.print(`Online now (${total}): ${text}`);
  },
};

/** last N and active N: the same listing over a window of N minutes. */
const recent = (name: string, state: 'connected' | 'active', who: string, heading: string): Command => ({
  name,
  usage: `${name} N   (users ${who} in the last N minutes, 0 < N ≤ 60)`,
  summary: `${who === 'active' ? 'who was active' : who} in the last N minutes`,
  async run(s, args) {
    const n = count(args, 1, 60);
    s.print(`${heading} in the last ${n} min: ${(await listing(s, state, n)).text}`);
  },
});

export const last = recent('last', 'connected', 'who connected', 'Connected');
export const active = recent('active', 'active', 'active', 'Active');

export const broadcast: Command = {
  name: 'broadcast',
  usage: 'broadcast MSG',
  summary: 'a message to everyone online (server admins)',
  async run(s, args) {
    const content = text(args);
    try {
      const { delivered_to } = await s.client.presence.broadcast(content);
      s.print(`Broadcast sent to ${delivered_to} online user${delivered_to === 1 ? '' : 's'}.`);
    } catch (err) {
      if (isRoomsApiError(err) && err.code === 'forbidden') return s.print('Only server admins may broadcast.');
      throw err;
    }
  },
};

export const check: Command = {
  name: 'check',
  usage: 'check [USER]',
  summary: 'your profile, or what you may see of USER’s',
  async run(s, args) {
    const name = args.trim();
    if (/\s/.test(name)) throw new UsageError(name);
    const target = name ? await s.users.find(name) : { id: s.me.id, username: s.me.username };
    if (!target) return s.print(`${name}: unknown user.`);
    const [view, online] = await Promise.all([s.client.users.get(target.id), s.client.presence.list({ state: 'active', minutes: 60 })]);
    const presence = online.items.find((e) => e.user.id === target.id);
    const status = presence
      ? `${presence.status}${presence.last_active ? `, last active ${clock(presence.last_active)}` : ''}`
      : `offline${view.last_seen ? `, last seen ${view.last_seen.slice(0, 16).replace('T', ' ')} UTC` : ''}`;
    const lines = [
      `${view.username}${view.display_name !== view.username ? ` — ${view.display_name}` : ''}${target.id === s.me.id ? ' (you)' : ''}`,
      `  status: ${status}`,
      `  member since ${view.created_at.slice(0, 10)} · ${view.followers_count} followers · ${view.following_count} following`,
    ];
    for (const [label, value] of [
      ['status message', view.status_message],
      ['bio', view.bio],
      ['website', view.website],
    ] as const)
      if (value) lines.push(`  ${label}: ${value}`);
    const profile = Object.entries(view.profile).map(([k, v]) => `${k.replace(/_/g, ' ')}: ${Array.isArray(v) ? v.join(', ') : String(v)}`);
    lines.push(
      profile.length > 0 ? `  ${profile.join(' · ')}` : `  no personal details ${target.id === s.me.id ? 'set' : 'visible to you'}`,
    );
    s.print(lines.join('\n'));
  },
};
