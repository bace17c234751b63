import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ErrorCode } from '@rooms/protocol';
import type { MembershipRow, RoomRole, RoomRow, RoomType } from '../store/room-types.ts';
import { decide, outranks, ROOM_POLICY, type RoomAction } from './room.policy.ts';

const NOW = new Date('2026-03-01T12:00:00.000Z');

const room = (type: RoomType, archived = false): RoomRow => ({
  id: '00000000-0000-7000-8000-000000000001',
  type,
  name: 'r',
  description: null,
  topic_kind: 'text',
  cover_attachment_id: null,
  categories: [],
  member_limit: null,
  member_count: 3,
  featured: false,
  archived,
  direct_key: type === 'direct' ? 'a:b' : null,
  last_seq: 0,
  created_by: null,
  created_at: NOW.toISOString(),
  last_message_at: null,
  like_count: 0,
});

const membership = (role: RoomRole, muted = false, mutedUntil: string | null = null): MembershipRow => ({
  room_id: '00000000-0000-7000-8000-000000000001',
  user_id: '00000000-0000-7000-8000-000000000002',
  role,
  joined_at: NOW.toISOString(),
  last_read_seq: 0,
  last_read_message_id: null,
  last_read_at: null,
  delivered_seq: 0,
  notification_level: 'all',
  muted,
  muted_until: mutedUntil,
  hidden_at: null,
});

type Who = 'outsider' | 'member' | 'muted' | 'admin' | 'owner';
const WHO: readonly Who[] = ['outsider', 'member', 'muted', 'admin', 'owner'];
const membershipOf = (who: Who): MembershipRow | undefined =>
  who === 'outsider' ? undefined : who === 'muted' ? membership('member', true) : membership(who);

/** One letter per answer, so the table below reads like a grid. */
const CODE: Record<string, 'ok' | ErrorCode> = {
  '+': 'ok',
  '4': 'room_not_found',
  n: 'not_a_member',
  f: 'forbidden',
  m: 'muted',
  x: 'not_allowed_here',
  a: 'room_archived',
};

/**
 * The expected answer of every action, written by hand from SPEC section 2 (not computed from the
 * policy): per room type, one letter for outsider, member, muted member, admin, owner ('-' = that
 * role cannot exist there). + allowed · 4 room_not_found · n not_a_member · f forbidden ·
 * m muted · x not_allowed_here.
 */
const EXPECTED: Record<RoomAction, Record<RoomType, string>> = {
  preview: { public: '+++++', private: '4++++', direct: '4++--' },
  read: { public: 'n++++', private: '4++++', direct: '4++--' },
  send: { public: 'n+m++', private: '4+m++', direct: '4+m--' },
  react: { public: 'n+m++', private: '4+m++', direct: '4+m--' },
  join: { public: '+++++', private: '4xxxx', direct: '4xx--' },
  leave: { public: 'n++++', private: '4++++', direct: '4xx--' },
  update: { public: 'nff++', private: '4ff++', direct: '4xx--' },
  delete: { public: 'nfff+', private: '4fff+', direct: '4xx--' },
  invite: { public: 'nff++', private: '4ff++', direct: '4xx--' },
  list_invites: { public: 'nff++', private: '4ff++', direct: '4xx--' },
  remove_member: { public: 'nff++', private: '4ff++', direct: '4xx--' },
  mute: { public: 'nff++', private: '4ff++', direct: '4xx--' },
  ban: { public: 'nff++', private: '4ff++', direct: '4xx--' },
  change_role: { public: 'nfff+', private: '4fff+', direct: '4xx--' },
  transfer: { public: 'nfff+', private: '4fff+', direct: '4xx--' },
  pin: { public: 'nff++', private: '4ff++', direct: '4xx--' },
  moderate_messages: { public: 'nff++', private: '4ff++', direct: '4xx--' },
  set_flags: { public: 'fffff', private: '4ffff', direct: '4xx--' },
  hide: { public: 'xxxxx', private: '4xxxx', direct: '4++--' },
};

/** Archived rooms are read-only: these actions write, and are refused to anyone who can see the room. */
const WRITES: readonly RoomAction[] = ['send', 'react', 'join', 'update', 'invite', 'pin', 'moderate_messages'];

const answer = (action: RoomAction, r: RoomRow, m: MembershipRow | undefined, isServerAdmin = false, now = NOW): string => {
  const d = decide(action, { room: r, membership: m, isServerAdmin, now });
  return d.ok ? 'ok' : d.code;
};

describe('room policy: decide()', () => {
  it('the hand-written table covers every action of the policy, and no other', () => {
    assert.deepEqual(Object.keys(EXPECTED).sort(), Object.keys(ROOM_POLICY).sort());
    assert.deepEqual([...WRITES].sort(), (Object.keys(ROOM_POLICY) as RoomAction[]).filter((a) => ROOM_POLICY[a].writes).sort());
  });

  for (const [action, byType] of Object.entries(EXPECTED) as [RoomAction, Record<RoomType, string>][]) {
    for (const type of ['public', 'private', 'direct'] as const) {
      for (const archived of type === 'direct' ? [false] : [false, true]) {
        it(`${action} in a${archived ? 'n archived' : ''} ${type} room`, () => {
          WHO.forEach((who, i) => {
            const letter = byType[type][i]!;
            if (letter === '-') return;
            let expected = CODE[letter]!;
            // Archiving hides nothing and adds one refusal: writes, for whoever may otherwise be refused
            // only by role or mute (an outsider still hears "join first").
            if (archived && WRITES.includes(action) && !['room_not_found', 'not_allowed_here', 'not_a_member'].includes(expected))
              expected = 'room_archived';
            assert.equal(answer(action, room(type, archived), membershipOf(who)), expected, `${who}`);
          });
        });
      }
    }
  }

  it('a server admin sets flags on any group room, member or not, archived or not; never on a direct room', () => {
    for (const type of ['public', 'private'] as const) {
      for (const archived of [false, true]) {
        for (const m of [undefined, membership('member')])
          assert.equal(answer('set_flags', room(type, archived), m, true), 'ok', `${type} archived=${archived}`);
      }
    }
    assert.equal(answer('set_flags', room('direct'), undefined, true), 'not_allowed_here');
    assert.equal(answer('set_flags', room('direct'), membership('member'), true), 'not_allowed_here');
  });

  it('server admins moderate any group room, member or not (global moderation, issue 19); direct rooms stay invisible; archived rooms keep their messages', () => {
    const moderation = (Object.keys(ROOM_POLICY) as RoomAction[]).filter((a) => ROOM_POLICY[a].moderation);
    assert.deepEqual(moderation.sort(), ['ban', 'moderate_messages', 'mute', 'remove_member']);
    for (const action of moderation) {
      for (const type of ['public', 'private'] as const) {
        for (const m of [undefined, membership('member')]) {
          assert.equal(answer(action, room(type), m, true), 'ok', `${action} ${type}`);
          assert.notEqual(answer(action, room(type), m, false), 'ok', `${action} ${type}: not for others`);
        }
      }
      assert.equal(answer(action, room('direct'), undefined, true), 'room_not_found', action);
    }
    assert.equal(answer('moderate_messages', room('private', true), undefined, true), 'room_archived');
    assert.equal(answer('ban', room('private', true), undefined, true), 'ok');
  });

  it('being a server admin opens nothing else: a private room stays invisible, a public one members-only', () => {
    for (const action of Object.keys(ROOM_POLICY) as RoomAction[]) {
      if (action === 'set_flags' || ROOM_POLICY[action].moderation) continue;
      assert.equal(answer(action, room('private'), undefined, true), 'room_not_found', action);
      assert.equal(answer(action, room('direct'), undefined, true), 'room_not_found', action);
      assert.equal(answer(action, room('public'), undefined, true), answer(action, room('public'), undefined, false), action);
    }
  });

  it('a mute holds until muted_until, and forever without one', () => {
    const at = (until: string | null) => answer('send', room('public'), membership('member', true, until));
    assert.equal(at(null), 'muted');
    assert.equal(at('2026-03-01T12:00:00.001Z'), 'muted');
    assert.equal(at('2026-03-01T12:00:00.000Z'), 'ok', 'a mute ending now has ended');
    assert.equal(at('2026-02-01T00:00:00.000Z'), 'ok');
    assert.equal(
      answer('send', room('public'), membership('member', false, '2027-01-01T00:00:00.000Z')),
      'ok',
      'muted_until without muted means nothing',
    );
  });

  it('a muted admin or owner still moderates, and still cannot speak', () => {
    for (const role of ['admin', 'owner'] as const) {
      const m = membership(role, true);
      for (const action of ['pin', 'mute', 'ban', 'remove_member', 'moderate_messages', 'update', 'invite', 'read', 'leave'] as const) {
        assert.equal(answer(action, room('private'), m), 'ok', `${role} ${action}`);
      }
      assert.equal(answer('send', room('private'), m), 'muted');
      assert.equal(answer('react', room('private'), m), 'muted');
    }
  });

  it('an archived room refuses writes (message deletion included) before it checks roles, and still lets everyone read, leave and moderate members', () => {
    const r = room('private', true);
    assert.equal(answer('update', r, membership('member')), 'room_archived');
    assert.equal(answer('send', r, membership('member', true)), 'room_archived');
    for (const action of ['read', 'leave', 'preview'] as const) assert.equal(answer(action, r, membership('member')), 'ok', action);
    assert.equal(answer('moderate_messages', r, membership('owner')), 'room_archived');
    for (const action of ['delete', 'ban', 'mute', 'remove_member', 'transfer', 'change_role'] as const)
      assert.equal(answer(action, r, membership('owner')), 'ok', action);
  });
});

describe('room policy: outranks()', () => {
  it('is a strict order owner > admin > member', () => {
    const roles = ['member', 'admin', 'owner'] as const;
    for (const [i, a] of roles.entries()) {
      for (const [j, b] of roles.entries()) assert.equal(outranks(a, b), i > j, `${a} over ${b}`);
    }
  });
});
