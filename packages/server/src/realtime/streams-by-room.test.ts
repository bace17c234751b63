import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RoomStream, type RoomStreamOwner } from './room-stream.ts';
import { StreamsByRoom } from './streams-by-room.ts';

const owner = {} as RoomStreamOwner;
const stream = (roomId: string, lastSeq = 0) => new RoomStream(roomId, lastSeq, owner);

describe("StreamsByRoom: a connection's streams by room", () => {
  for (const rooms of [3, 20]) {
    it(`finds, replaces and forgets streams by room, with ${rooms} rooms (${rooms > 8 ? 'past the array, in a Map' : 'in the array'})`, () => {
      const streams = new StreamsByRoom();
      const ids = Array.from({ length: rooms }, (_, i) => `room-${i}`);
      for (const id of ids) streams.set(stream(id));
      assert.equal(streams.size, rooms);
      assert.deepEqual(streams.roomIds(), ids);
      for (const id of ids) assert.equal(streams.get(id)?.roomId, id);
      assert.equal(streams.get('elsewhere'), undefined);
      assert.equal(streams.has('elsewhere'), false);

      const replacement = stream(ids[1]!, 42);
      streams.set(replacement);
      assert.equal(streams.size, rooms, 'a room has one stream');
      assert.equal(streams.get(ids[1]!), replacement);

      streams.delete(ids[0]!);
      streams.delete('elsewhere');
      assert.equal(streams.size, rooms - 1);
      assert.equal(streams.has(ids[0]!), false);
      assert.deepEqual([...streams.values()].map((s) => s.roomId).sort(), ids.slice(1).sort());

      streams.clear();
      assert.equal(streams.size, 0);
      assert.deepEqual([...streams.values()], []);
    });
  }
});
