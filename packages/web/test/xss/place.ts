/* eslint-disable @typescript-eslint/no-explicit-any -- the test REST client answers untyped JSON. */
import { signup, type Client } from '../../../server/test/helpers/server.ts';
import { codePoints, DEFAULT_SERVER_LIMITS, ProfileUpdate } from '@rooms/protocol';
import { PAYLOADS } from './payloads.ts';

/**
 * Puts the XSS corpus through the real REST API into every field the web UI renders, each payload
 * where the API accepts it (lengths, single-line fields, URL fields), and counts what was placed.
 * The server's answer is the judge: a field "holds" a payload when the API stored it (2xx), and
 * the value expected on screen is the one the API answered with (trimmed, NFC).
 */

type User = Awaited<ReturnType<typeof signup>>;

/** What one payload became: the user and the room carrying it, and the values as stored. */
export interface Carrier {
  /** 1-based index in PAYLOADS (the number the payload passes to __xss). */
  n: number;
  payload: string;
  user: User;
  /** As stored, or null when the API refused the payload for that field. */
  displayName: string | null;
  status: string | null;
  bio: string | null;
  website: string | null;
  /** Text profile fields (gender, race, country, relationship_status, interested_in), as stored. */
  textFields: Partial<Record<string, string>>;
  /** List fields (languages, hobbies, health): the payload as one item. */
  listFields: Partial<Record<string, string>>;
  room: { id: string; name: string; nameIsPayload: boolean; description: string | null; invite: string };
  /** The room opened by this user with the viewer. */
  direct: { id: string };
  /** This payload as a message in the shared room, and as a reply in one of its threads. */
  messageId: string;
  replyId: string;
}

export interface Placed {
  viewer: User & { displayName: string; status: string; bio: string };
  /** Signed in, member of nothing: sees the invite previews as a stranger would. */
  stranger: User;
  /** Blocks the viewer: what the viewer sends to them fails, and shows as a failed message. */
  blocker: User;
  carriers: Carrier[];
  shared: { id: string; name: string; threads: string[]; reactTo: string };
  bans: { id: string; name: string };
  blockedDirect: { id: string };
  /** Per field, how many payloads the API stored there. */
  counts: Record<string, number>;
  /** Fields that can never hold a payload, and why (checked against the API). */
  refused: Record<string, string>;
}

export const SHARED_ROOM = 'xss shared room';
export const BANS_ROOM = 'xss bans room';
export const TEXT_FIELDS = ['gender', 'race', 'country', 'relationship_status', 'interested_in'] as const;
export const LIST_FIELDS = ['languages', 'hobbies', 'health'] as const;
export const EMOJI = ['👍', '🎉', '👀'] as const;

/** Runs fn over items, at most `width` at a time, results in order. */
async function pool<T, R>(items: readonly T[], width: number, fn: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]!, i);
      }
    }),
  );
  return out;
}

/** 2xx: the answer's body. 400: null (the API refused the value). Anything else is a broken seed. */
async function tryCall(what: string, call: Promise<{ status: number; body: any }>): Promise<any | null> {
  const res = await call;
  if (res.status >= 200 && res.status < 300) return res.body ?? {};
  if (res.status === 400) return null;
  throw new Error(`${what}: ${res.status} ${JSON.stringify(res.body)}`);
}

async function must(what: string, call: Promise<{ status: number; body: any }>): Promise<any> {
  const body = await tryCall(what, call);
  if (body === null) throw new Error(`${what}: refused`);
  return body;
}

export async function placePayloads(base: string, payloads: readonly string[] = PAYLOADS): Promise<Placed> {
  const counts: Record<string, number> = {};
  const count = (field: string, placed: boolean) => (counts[field] = (counts[field] ?? 0) + (placed ? 1 : 0));

  // The viewer is the server's first account (its admin); its own account carries payloads too.
  const v = await signup(base, { username: 'viewer' });
  const viewerFields = { display_name: PAYLOADS[0]!, status_message: PAYLOADS[10]!, bio: PAYLOADS[35]! };
  const me = await must('viewer profile', v.api.patch('/users/me', viewerFields));
  const viewer = { ...v, displayName: me.display_name as string, status: me.status_message as string, bio: me.bio as string };
  const stranger = await signup(base, { username: 'stranger', display_name: 'Stranger' });
  const blocker = await signup(base, { username: 'blocker', display_name: 'Blocker' });

  const shared = await must(
    'shared room',
    v.api.post('/rooms', { name: SHARED_ROOM, type: 'public', description: 'Every payload as a message, a reply and a pin' }),
  );
  const bans = await must('bans room', v.api.post('/rooms', { name: BANS_ROOM, type: 'private' }));

  // One person per payload, carrying it in every personal field that takes it.
  const carriers = await pool(payloads, 16, async (payload): Promise<Carrier> => {
    const n = PAYLOADS.indexOf(payload) + 1;
    const user = await signup(base);
    const api: Client = user.api;
    // Every personal field at once, each value the protocol's schema takes; each value it refuses
    // is sent alone, to see the API refuse it too (the count is what the server stored).
    const fields: Record<string, unknown> = {
      display_name: payload,
      status_message: payload,
      bio: payload,
      website: payload,
      avatar_url: payload,
      ...Object.fromEntries([
        ...TEXT_FIELDS.map((f) => [`profile.${f}`, payload]),
        ...LIST_FIELDS.map((f) => [`profile.${f}`, [payload]]),
        ['profile.phone', payload],
      ]),
    };
    const bodyOf = (entries: [string, unknown][]) => {
      const body: Record<string, unknown> = {};
      const profile: Record<string, unknown> = {};
      for (const [k, value] of entries) {
        if (k.startsWith('profile.')) profile[k.slice(8)] = { value, visibility: 'public' };
        else body[k] = value;
      }
      if (Object.keys(profile).length) body.profile = profile;
      return body;
    };
    // What the schema takes and, for the lengths a server configures, what this server's limits take (GET /limits).
    const takes = (body: Record<string, unknown>): boolean => {
      const parsed = ProfileUpdate.safeParse(body);
      if (!parsed.success) return false;
      const { display_name: name, status_message: status } = parsed.data;
      return (
        (name === undefined || codePoints(name) <= DEFAULT_SERVER_LIMITS.display_name.max) &&
        (!status || codePoints(status) <= DEFAULT_SERVER_LIMITS.status_message.max)
      );
    };
    const valid = Object.entries(fields).filter(([k, value]) => takes(bodyOf([[k, value]])));
    const invalid = Object.entries(fields).filter(([k]) => !valid.some(([v]) => v === k));
    let stored = await must(`#${n} profile`, api.patch('/users/me', bodyOf(valid)));
    for (const entry of invalid) {
      const accepted = await tryCall(`#${n} ${entry[0]}`, api.patch('/users/me', bodyOf([entry])));
      if (accepted) stored = accepted;
    }
    const displayName: string | null = stored.display_name === payload.trim().normalize('NFC') ? stored.display_name : null;
    if (displayName === null) await must(`#${n} fallback name`, api.patch('/users/me', { display_name: `Carrier ${n}` }));
    count('display name', displayName !== null);
    const status: string | null = stored.status_message ?? null;
    count('status message', status !== null);
    const bio: string | null = stored.bio ?? null;
    count('bio', bio !== null);
    // Website and avatar take http(s) URLs only: the payload as is (refused unless it is one), then inside a URL.
    let website: string | null = stored.website ?? null;
    count('website (as is)', website !== null);
    count('avatar URL (as is)', stored.avatar_url !== null);
    // A picture from another origin is a remote load by design (the CSP's img-src refuses it): the
    // payload rides in the fragment of an address on the test server, so any foreign load is a leak.
    const urls = {
      avatar_url: `${base}/no-such-avatar.png#${payload}`,
      ...(website === null ? { website: `https://site.example/#${payload}` } : {}),
    };
    const withUrls = ProfileUpdate.safeParse(urls).success ? await tryCall(`#${n} urls`, api.patch('/users/me', urls)) : null;
    count('avatar URL (in a URL)', withUrls !== null);
    if (website === null) {
      website = withUrls?.website ?? null;
      count('website (in a URL)', website !== null);
    }
    const textFields: Carrier['textFields'] = {};
    for (const f of TEXT_FIELDS) {
      const value = stored.profile?.[f];
      if (typeof value === 'string') textFields[f] = value;
      count(`profile ${f}`, typeof value === 'string');
    }
    const listFields: Carrier['listFields'] = {};
    for (const f of LIST_FIELDS) {
      const value = stored.profile?.[f];
      if (Array.isArray(value)) listFields[f] = value[0];
      count(`profile ${f}`, Array.isArray(value));
    }
    count('profile phone', stored.profile?.phone !== undefined);

    // A public room named and described by the payload, owned by this person, who adds the viewer
    // (a room_invite notification naming the room) and mentions them in it.
    let room = await tryCall(
      `#${n} room`,
      api.post('/rooms', { name: payload, type: 'public', description: payload, categories: ['general'] }),
    );
    const nameIsPayload = room !== null;
    count('room name', nameIsPayload);
    if (!room)
      room = await must(
        `#${n} room (plain name)`,
        api.post('/rooms', { name: `Room ${n}`, type: 'public', description: payload, categories: ['general'] }),
      );
    count('room description', room.description !== null);
    count('room category', (await tryCall(`#${n} category`, api.put(`/rooms/${room.id}`, { categories: [payload] }))) !== null);
    await must(`#${n} add viewer`, api.post(`/rooms/${room.id}/members`, { user_id: v.id }));
    await must(`#${n} mention`, api.post(`/rooms/${room.id}/messages`, { content: `${payload}\n\n@${v.username}` }));
    count('message mentioning the viewer (room timeline, notification excerpt)', true);
    const invite = (await must(`#${n} invite`, api.post(`/rooms/${room.id}/invites`, { max_uses: null }))).code as string;
    count('invite preview (room name or description)', true);

    // A direct conversation with the viewer (named after this person on the viewer's side).
    const direct = await must(`#${n} direct`, api.post(`/direct/${v.id}`));
    await must(`#${n} direct message`, api.post(`/rooms/${direct.id}/messages`, { content: payload }));
    count('direct message', true);

    // The shared room: the payload as a message (pinned by the viewer later), a reply in a thread.
    await must(`#${n} join shared`, api.post(`/rooms/${shared.id}/join`));
    const message = await must(`#${n} message`, api.post(`/rooms/${shared.id}/messages`, { content: payload }));
    count('message', true);
    return {
      n,
      payload,
      user,
      displayName,
      status,
      bio,
      website,
      textFields,
      listFields,
      room: { id: room.id, name: room.name, nameIsPayload, description: room.description, invite },
      direct: { id: direct.id },
      messageId: message.id,
      replyId: '',
    };
  });

  // Threads: two parents by the viewer (a thread panel shows 100 replies), the payloads as replies.
  const threads = [
    (await must('thread 1', v.api.post(`/rooms/${shared.id}/messages`, { content: 'Thread one: replies carry payloads' }))).id as string,
    (await must('thread 2', v.api.post(`/rooms/${shared.id}/messages`, { content: 'Thread two: replies carry payloads' }))).id as string,
  ];
  await pool(carriers, 12, async (c, i) => {
    const reply = await must(
      `#${c.n} reply`,
      c.user.api.post(`/rooms/${shared.id}/messages`, { content: c.payload, parent_id: threads[i % 2] }),
    );
    c.replyId = reply.id;
    count('thread reply (reply notification excerpt)', true);
  });
  // The viewer's newest message: everyone reacts (three emoji) and reads it (receipts name them).
  const reactTo = (await must('react to', v.api.post(`/rooms/${shared.id}/messages`, { content: 'React to this and read it' })))
    .id as string;
  const last = await must('shared room', v.api.get(`/rooms/${shared.id}`));
  await pool(carriers, 12, async (c, i) => {
    await must(`#${c.n} react`, c.user.api.post(`/messages/${reactTo}/reactions`, { emoji: EMOJI[i % EMOJI.length] }));
    await must(`#${c.n} read`, c.user.api.post(`/rooms/${shared.id}/read`, { seq: last.last_seq }));
  });
  counts['reactor and reader (display name in the reaction tooltip and "Read by")'] = carriers.filter((c) => c.displayName !== null).length;
  // Pins and bans (the viewer owns both rooms).
  await pool(carriers, 8, async (c) => {
    await must(`#${c.n} pin`, v.api.post(`/messages/${c.messageId}/pin`));
    count('pinned message', true);
    count(
      'ban reason',
      (await tryCall(`#${c.n} ban`, v.api.post(`/rooms/${bans.id}/bans`, { user_id: c.user.id, reason: c.payload }))) !== null,
    );
  });

  // Someone who blocks the viewer: messages to them are refused and stay on screen as failed.
  const blockedDirect = await must('blocked direct', blocker.api.post(`/direct/${v.id}`));
  await must('block', blocker.api.post(`/users/${v.id}/block`));

  const refused: Record<string, string> = {
    'room category': "categories come from the server's ROOM_CATEGORIES (1-30 of a-z 0-9 _ -, checked at start); the API refuses any other",
    username: 'a-z, 0-9 and _ only',
    'profile phone': 'digits, spaces and + ( ) - . only',
    'birth date, height, weight': 'a date and numbers',
    email: 'an email address (and shown to its owner only)',
  };
  return {
    viewer,
    stranger,
    blocker,
    carriers,
    shared: { id: shared.id, name: shared.name, threads, reactTo },
    bans: { id: bans.id, name: bans.name },
    blockedDirect: { id: blockedDirect.id },
    counts,
    refused,
  };
}
