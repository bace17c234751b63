/**
 * f. Fan-out burst: 200 messages into a room whose 5,000 members are all connected (1,000,000
 * frames to write). The members are seeded straight into the database (bench/lib/rooms-fixture.ts);
 * their sockets come from several source addresses, under the per-IP connection bound.
 */
import { addresses } from '../addresses.ts';
import { QUIET_MS, withTarget, type Ctx, type Scenario } from '../context.ts';
import { pool, sleep, Tally } from '../http.ts';
import { dur, type Row } from '../report.ts';
import { openDb, seedGrid } from '../../lib/rooms-fixture.ts';
import { Peer } from '../ws.ts';

const MEMBERS = 5000;
const MESSAGES = 200;
/** Sockets per source address: half the default MAX_CONNECTIONS_PER_IP. */
const PER_ADDRESS = 500;

async function fanoutBurst(ctx: Ctx): Promise<Row[]> {
  // One sender posts 200 messages at once: the per-user message rate (10 per 10 s) would refuse
  // all but 10, and the burst is what is measured.
  return withTarget(ctx, { MESSAGE_RATE_LIMIT: '100000' }, async (t, limits) => {
    const probe = t.probe(await t.signup('probe'));
    // The sockets connect before their users are members, then join the room: 5,000 members of
    // one room connecting would each announce their presence to all the others (12.5M frames).
    // So the seeded memberships are lifted out until every socket is up.
    const { db, close } = openDb(t.databaseUrl, t.dataDir);
    let memberships;
    let fixture;
    try {
      fixture = await seedGrid(db, t.secret, 'fan', 1, MEMBERS);
      memberships = await db.selectFrom('memberships').selectAll().where('room_id', '=', fixture.rooms[0]!.id).execute();
      await db.deleteFrom('memberships').where('room_id', '=', fixture.rooms[0]!.id).execute();
    } catch (err) {
      await close();
      throw err;
    }
    const room = fixture.rooms[0]!;
    const from = addresses(3, Math.ceil(MEMBERS / PER_ADDRESS));
    const peers: Peer[] = [];
    const refused = new Tally();
    let delivered = 0;
    let lastDelivery = 0;
    const onFrame = (d: Buffer) => {
      // {"type":"message_created"...: "message_" differs from "member_u..." at its 4th letter.
      if (d[9] === 0x6d && d[12] === 0x73) {
        delivered++;
        lastDelivery = performance.now();
      }
    };
    const c0 = performance.now();
    await pool(MEMBERS, 100, async (i) => {
      try {
        peers.push(await Peer.connect(t.wsUrl, { token: room.members[i]!.token, localAddress: from[i % from.length], onFrame }));
      } catch (err) {
        refused.add({ status: (err as { status?: number }).status ?? 0, error: (err as Error).message });
      }
    });
    try {
      for (let i = 0; i < memberships.length; i += 500)
        await db
          .insertInto('memberships')
          .values(memberships.slice(i, i + 500))
          .execute();
    } finally {
      await close();
    }
    const join = `{"type":"join_room","id":"join","data":{"room_id":"${room.id}"}}`;
    for (const p of peers) p.send(join);
    const joinedBy = performance.now() + 120_000;
    const answered = () => peers.reduce((k, p) => k + p.count('ack') + p.count('error') + (p.open ? 0 : 1), 0);
    while (answered() < peers.length && performance.now() < joinedBy) await sleep(100);
    const joined = peers.filter((p) => p.count('ack') > 0).length;
    const connectMs = performance.now() - c0;
    ctx.log(`f: ${peers.length} sockets, ${joined} in the room, in ${(connectMs / 1000).toFixed(1)} s`);
    await sleep(1000);
    const quiet = await probe.measure(QUIET_MS);
    const tally = new Tally();
    const sender = room.members[0]!.token;
    const b0 = performance.now();
    const { result: burst, latency } = await probe.during(async () => {
      await pool(MESSAGES, 8, async (i) =>
        tally.add(await t.request('POST', `/rooms/${room.id}/messages`, { token: sender, body: { content: `burst ${i}` } })),
      );
      const sentMs = performance.now() - b0;
      const expected = (tally.by.get('201') ?? 0) * joined;
      // Deliveries still on their way: until all arrived, or 3 s without one.
      while (delivered < expected && performance.now() - Math.max(lastDelivery, b0 + sentMs) < 3000 && performance.now() - b0 < 180_000)
        await sleep(50);
      return { sentMs, expected };
    });
    const deliveredMs = Math.max(0, lastDelivery - b0);
    const closes = new Map<number, number>();
    for (const p of peers) if (p.closeCode !== undefined) closes.set(p.closeCode, (closes.get(p.closeCode) ?? 0) + 1);
    for (const p of peers) p.close();
    ctx.log(`f: ${delivered}/${burst.expected} deliveries in ${deliveredMs.toFixed(0)} ms`);
    return [
      {
        id: 'f',
        attack: `fan-out burst: ${MESSAGES} messages (8 in flight) to a room of ${MEMBERS.toLocaleString('en')} connected members`,
        limits,
        unit: 'req',
        tally,
        quiet,
        during: latency,
        outcome: [
          `${delivered.toLocaleString('en')}/${burst.expected.toLocaleString('en')} message_created frames delivered, the last after ${dur(deliveredMs)} (sends took ${dur(burst.sentMs)})`,
          `${peers.length.toLocaleString('en')} sockets from ${from.length} addresses connected and ${joined.toLocaleString('en')} joined in ${dur(connectMs)}${refused.sent ? `, ${refused.sent} refused (${refused.breakdown()})` : ''}`,
          closes.size ? `closed during the burst: ${[...closes].map(([c, k]) => `${k}× ${c}`).join(', ')}` : 'no socket closed',
        ],
      },
    ];
  });
}

export const fanoutScenarios: Scenario[] = [{ id: 'f', title: 'fan-out burst', run: fanoutBurst }];
