import type { RoomStream } from './room-stream.ts';

/** Past this many rooms a connection's streams move to a Map (a linear search costs more than hashing). */
const SMALL = 8;

/**
 * One connection's streams, by room. Most connections follow a handful of rooms, and a Map costs
 * ~250 bytes before its first entry: at 15,000 idle sockets that was a twentieth of the server's
 * memory per connection. A plain array serves the first few rooms; a Map takes over past SMALL.
 */
export class StreamsByRoom {
  private few: RoomStream[] = [];
  private many: Map<string, RoomStream> | undefined;

  get size(): number {
    return this.many ? this.many.size : this.few.length;
  }

  get(roomId: string): RoomStream | undefined {
    if (this.many) return this.many.get(roomId);
    for (const s of this.few) if (s.roomId === roomId) return s;
    return undefined;
  }

  has(roomId: string): boolean {
    return this.get(roomId) !== undefined;
  }

  /** Adds or replaces the stream of its room. */
  set(stream: RoomStream): void {
    if (this.many) {
      this.many.set(stream.roomId, stream);
      return;
    }
    const i = this.few.findIndex((s) => s.roomId === stream.roomId);
    if (i >= 0) this.few[i] = stream;
    else if (this.few.length < SMALL) this.few.push(stream);
    else {
      this.many = new Map(this.few.map((s) => [s.roomId, s]));
      this.many.set(stream.roomId, stream);
      this.few = [];
    }
  }

  delete(roomId: string): void {
    if (this.many) {
      this.many.delete(roomId);
      return;
    }
    const i = this.few.findIndex((s) => s.roomId === roomId);
    if (i >= 0) this.few.splice(i, 1);
  }

  values(): Iterable<RoomStream> {
    return this.many ? this.many.values() : this.few;
  }

  roomIds(): string[] {
    return this.many ? [...this.many.keys()] : this.few.map((s) => s.roomId);
  }

  clear(): void {
    this.few = [];
    this.many = undefined;
  }
}
