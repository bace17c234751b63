/** Starts a target by name with the run's settings. */
import { startBubble } from './bubble.ts';
import { startBatchedRelay, startRelay } from './relay.ts';
import { roomsBDir, startRooms, type RoomsOptions } from './rooms.ts';
import { startSocketIo } from './socketio.ts';
import type { Target, TargetName, TargetOptions } from './types.ts';

export type { Target, TargetName } from './types.ts';
export { TARGET_LABELS } from './types.ts';

export function startTarget(name: TargetName, opts: TargetOptions & Omit<RoomsOptions, keyof TargetOptions>): Promise<Target> {
  if (name === 'relay') return startRelay(opts);
  if (name === 'relay-batched') return startBatchedRelay(opts);
  if (name === 'socketio') return startSocketIo(opts);
  if (name === 'bubble') return startBubble(opts);
  if (name === 'rooms-noindex') return startRooms({ ...opts, searchIndex: false });
  if (name === 'rooms-b') return startRooms({ ...opts, checkout: roomsBDir() });
  return startRooms(opts);
}
