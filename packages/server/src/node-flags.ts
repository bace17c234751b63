/**
 * Node's own flags the server runs with: in `npm start` (package.json), in deploy/rooms.service,
 * and in the bench's targets (bench/lib/server.ts), which run the server as `npm start` does.
 * They are V8 flags, so they must be on node's command line: NODE_OPTIONS refuses them, and
 * v8.setFlagsFromString comes after the heap is set up. node-flags.test.ts checks each place.
 *
 * --no-memory-reducer: V8's memory reducer waits for a quiet spell (~8 s of little allocation)
 * and then collects and shrinks the heap, to give memory back. A chat server's traffic comes in
 * bursts after quiet spells, and the next burst paid for marking and growing the heap again, with
 * the event loop stalled 20-50 ms at a time. S2 at 10×100 (each server waits ~8 s between its
 * rounds while the other targets run), 400 msg/s: Rooms' p99 read 20.9-97.7 ms in 13 runs with
 * the reducer (the relay's 5.4-19.8), and 8.8-14.5 ms in 6 of 7 runs without it (50.0 in the
 * seventh, with four targets, where both relays stalled too). In S1 100×10 the same code reached
 * 5,187 msg/s without the reducer and 3,668 with it, in one run. The cost: a heap that grew in a
 * burst keeps its size while quiet (RSS ~240 MB in the bench, where a shrink took it to ~195);
 * ordinary collections still free what is garbage in it.
 */
export const SERVER_NODE_FLAGS: readonly string[] = ['--no-memory-reducer'];
