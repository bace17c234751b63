/**
 * g. Per-user caps: one user creates 3,000 rooms in a burst, then 5,000 invites to one room; then
 * the size of its GET /rooms answer.
 */
import { ATTACKER } from '../addresses.ts';
import { QUIET_MS, withTarget, type Ctx, type Scenario } from '../context.ts';
import { pool, Tally } from '../http.ts';
import { dur, type Row } from '../report.ts';

const ROOMS = 3000;
const INVITES = 5000;
const IN_FLIGHT = 16;

async function perUserCaps(ctx: Ctx): Promise<Row[]> {
  return withTarget(ctx, {}, async (t, limits) => {
    const probe = t.probe(await t.signup('probe'));
    const user = await t.signup('hoarder');
    const quiet = await probe.measure(QUIET_MS);
    let firstRoom: string | undefined;

    const rooms = new Tally();
    const r0 = performance.now();
    const { latency: roomsLatency } = await probe.during(() =>
      pool(ROOMS, IN_FLIGHT, async (i) => {
        const a = await t.request('POST', '/rooms', {
          token: user.token,
          body: { name: `hoard ${i}`, type: 'public' },
          localAddress: ATTACKER,
          keepBody: i < IN_FLIGHT * 2,
        });
        rooms.add(a);
        if (a.status === 201 && a.body && !firstRoom) firstRoom = (JSON.parse(a.body) as { id: string }).id;
      }),
    );
    const roomsMs = performance.now() - r0;
    if (!firstRoom) throw new Error(`no room created (${rooms.breakdown()})`);

    const invites = new Tally();
    const i0 = performance.now();
    const { latency: invitesLatency } = await probe.during(() =>
      pool(INVITES, IN_FLIGHT, async () =>
        invites.add(await t.request('POST', `/rooms/${firstRoom}/invites`, { token: user.token, body: {}, localAddress: ATTACKER })),
      ),
    );
    const invitesMs = performance.now() - i0;

    const list = new Tally();
    const mine = await t.request('GET', '/rooms', { token: user.token, localAddress: ATTACKER, keepBody: true });
    list.add(mine);
    let items = 0;
    let more = 'no';
    try {
      const page = JSON.parse(mine.body) as { items: unknown[]; next_cursor?: string | null; next?: string | null };
      items = page.items.length;
      more = page.next_cursor || page.next ? 'yes' : 'no';
    } catch {
      // Not JSON: the status says what happened.
    }
    ctx.log(`g: rooms ${rooms.breakdown()}, invites ${invites.breakdown()}, GET /rooms ${items} items ${mine.bytes} bytes`);
    return [
      {
        id: 'g1',
        attack: `one user creates ${ROOMS.toLocaleString('en')} rooms (${IN_FLIGHT} in flight)`,
        limits,
        unit: 'req',
        tally: rooms,
        quiet,
        during: roomsLatency,
        outcome: [`${(rooms.by.get('201') ?? 0).toLocaleString('en')} created in ${dur(roomsMs)} (${rooms.breakdown()})`],
      },
      {
        id: 'g2',
        attack: `one user creates ${INVITES.toLocaleString('en')} invites to one room`,
        limits,
        unit: 'req',
        tally: invites,
        during: invitesLatency,
        outcome: [`${(invites.by.get('201') ?? 0).toLocaleString('en')} created in ${dur(invitesMs)} (${invites.breakdown()})`],
      },
      {
        id: 'g3',
        attack: 'GET /rooms of that user',
        limits,
        unit: 'req',
        tally: list,
        outcome: [
          `${mine.status}: ${items.toLocaleString('en')} rooms, ${(mine.bytes / 1024 / 1024).toFixed(2)} MB in ${dur(mine.ms)}, next page: ${more}`,
        ],
      },
    ];
  });
}

export const capScenarios: Scenario[] = [{ id: 'g', title: 'per-user caps', run: perUserCaps }];
