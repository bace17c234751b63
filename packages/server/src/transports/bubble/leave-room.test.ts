import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Actor } from '../../domain/actor.ts';
import { DomainError } from '../../domain/errors.ts';
import type { Services } from '../../services/index.ts';
import { leaveRoom } from './handlers.ts';

/** A room's owner leaving at disconnect hands it on first, even when the member it picked is leaving at that moment. */
describe('bubble leaveRoom', () => {
  const owner = { id: 'owner' } as Actor;
  /** Members in order; the first transfer to `leaving` fails as if they had just left. */
  function fakeServices(members: string[], leaving: string | undefined) {
    const calls: string[] = [];
    let left = false;
    const services = {
      rooms: {
        leave: async () => {
          if (!left && !calls.some((c) => c.startsWith('transfer:') && c !== `transfer:${leaving}`))
            throw new DomainError('owner_must_transfer', 'Transfer first.');
          left = true;
          calls.push('leave');
        },
      },
      members: {
        list: async () => ({ items: members.map((id) => ({ user: { id } })) }),
        transfer: async (_a: Actor, _r: string, to: string) => {
          calls.push(`transfer:${to}`);
          if (to === leaving) {
            members = members.filter((m) => m !== to);
            throw new DomainError('user_not_found', 'That user is not a member of this room.');
          }
        },
      },
    } as unknown as Services;
    return { services, calls };
  }

  it('hands the room to the next member when the first one is leaving too', async () => {
    const { services, calls } = fakeServices(['owner', 'bob', 'carol'], 'bob');
    assert.equal(await leaveRoom(services, owner, 'r1'), true);
    assert.deepEqual(calls, ['transfer:bob', 'transfer:carol', 'leave']);
  });

  it('stays (false) when nobody is left to take the room', async () => {
    const { services, calls } = fakeServices(['owner', 'bob'], 'bob');
    assert.equal(await leaveRoom(services, owner, 'r1'), false);
    assert.deepEqual(calls, ['transfer:bob']);
  });
});
