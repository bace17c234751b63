/**
 * Adapter for baseline (b), Socket.IO 4, spoken over a raw ws socket (Engine.IO v4 framing):
 * 0 open → 40 connect → 420["join",room] → 430[] joined; 42<id>["send",{…}] → 43<id>[] ack;
 * deliveries are 42["msg",{…}]; the server's ping 2 is answered with 3.
 */
import { join } from 'node:path';
import { startBaseline } from './baseline.ts';
import type { ClientEvents, Target, TargetOptions } from './types.ts';
import { readUint, WsClient } from './ws-client.ts';

const C_0 = 0x30;
const C_2 = 0x32;
const C_3 = 0x33;
const C_4 = 0x34;

class SocketIoClient extends WsClient {
  private readonly base: string;

  constructor(base: string, room: number, member: number, events: ClientEvents) {
    super(room, member, events);
    this.base = base;
  }

  protected url(): string {
    return `${this.base}/socket.io/?EIO=4&transport=websocket`;
  }

  protected opened(): void {}

  protected frame(data: Buffer): void {
    const eio = data[0];
    if (eio === C_2 && data.length === 1) return this.write('3');
    if (eio === C_0) return this.write('40');
    if (eio !== C_4) return;
    const sio = data[1];
    if (sio === C_2) return this.events.delivery(this, data);
    if (sio === C_3) {
      const id = readUint(data, 2);
      if (id === 0) this.markReady();
      else this.events.ack(this, id);
      return;
    }
    if (sio === C_0) this.write(`420["join","r${this.room}"]`);
  }

  send(reqId: number, content: string): void {
    this.write(`42${reqId}["send",{"room":"r${this.room}","content":"${content}"}]`);
  }
}

export function startSocketIo(opts: TargetOptions): Promise<Target> {
  return startBaseline(
    'socketio',
    join(import.meta.dirname, 'socketio-server.ts'),
    (base, room, member, events) => new SocketIoClient(base, room, member, events),
    opts,
  );
}
