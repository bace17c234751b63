/**
 * h. Crash: several senders write into one room while the server is killed with SIGKILL and
 * restarted on the same database, again and again; then every message the server acknowledged
 * (201) is looked for through the API. Lost = acknowledged but missing.
 */
import { addresses } from '../addresses.ts';
import { percentile, withTarget, type Ctx, type Scenario } from '../context.ts';
import { sleep, Tally } from '../http.ts';
import { dur, type Row } from '../report.ts';
import type { Target } from '../target.ts';

const SENDERS = 8;
/** Writing time between two kills (a random point in it). */
const STORM_MS = [1500, 3000] as const;

/** Every message id of a room, newest to oldest through the pages of GET /rooms/:id/messages. */
async function storedIds(t: Target, roomId: string, token: string): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  let before: string | null = null;
  for (;;) {
    const a = await t.request('GET', `/rooms/${roomId}/messages?limit=100${before ? `&before=${before}` : ''}`, { token, keepBody: true });
    if (a.status !== 200) throw new Error(`reading the room back: ${a.status} ${a.body.slice(0, 200)}`);
    const page = JSON.parse(a.body) as { items: { id: string; content: string }[]; next: string | null };
    for (const m of page.items) ids.set(m.id, m.content);
    if (!page.next || page.items.length === 0) return ids;
    before = page.next;
  }
}

async function crash(ctx: Ctx): Promise<Row[]> {
  // Several senders write as fast as they can: the per-user message rate would refuse most of it.
  return withTarget(ctx, { MESSAGE_RATE_LIMIT: '100000' }, async (t, limits) => {
    const owner = await t.signup('owner');
    const room = await t.request('POST', '/rooms', { token: owner.token, body: { name: 'storm', type: 'public' }, keepBody: true });
    if (room.status !== 201) throw new Error(`room: ${room.status}`);
    const roomId = (JSON.parse(room.body) as { id: string }).id;
    const senders = [];
    for (let i = 0; i < SENDERS; i++) {
      const s = await t.signup(`sender_${i}`);
      const j = await t.request('POST', `/rooms/${roomId}/join`, { token: s.token });
      if (j.status !== 200) throw new Error(`join: ${j.status}`);
      senders.push(s);
    }
    const from = addresses(4, SENDERS);
    const acked = new Map<string, string>();
    const tally = new Tally();
    let storming = true;
    const storm = Promise.all(
      senders.map(async (s, w) => {
        for (let n = 0; storming; n++) {
          const content = `storm ${w}.${n}`;
          const a = await t.request('POST', `/rooms/${roomId}/messages`, {
            token: s.token,
            body: { content, client_id: `s${w}-${n}` },
            localAddress: from[w],
            keepBody: true,
            timeoutMs: 10_000,
          });
          tally.add(a);
          if (a.status === 201 || a.status === 200) acked.set((JSON.parse(a.body) as { id: string }).id, content);
          // The server is down (or refusing): a client would back off a little.
          else await sleep(20);
        }
      }),
    );
    const restarts: number[] = [];
    for (let k = 0; k < ctx.kills; k++) {
      await sleep(STORM_MS[0] + Math.random() * (STORM_MS[1] - STORM_MS[0]));
      restarts.push(await t.crashAndRestart());
      ctx.log(`h: kill ${k + 1}/${ctx.kills}, ${acked.size} acknowledged so far`);
    }
    await sleep(STORM_MS[0]);
    storming = false;
    await storm;
    const stored = await storedIds(t, roomId, owner.token);
    let lost = 0;
    let altered = 0;
    for (const [id, content] of acked) {
      const got = stored.get(id);
      if (got === undefined) lost++;
      else if (got !== content) altered++;
    }
    ctx.log(`h: ${ctx.kills} kills, ${acked.size} acknowledged, ${stored.size} stored, ${lost} lost`);
    return [
      {
        id: 'h',
        attack: `crash: ${SENDERS} senders writing, kill -9 and restart ×${ctx.kills}`,
        limits,
        unit: 'req',
        tally,
        outcome: [
          `kills ${ctx.kills}, acknowledged ${acked.size.toLocaleString('en')}, stored ${stored.size.toLocaleString('en')}, **lost ${lost}** (goal 0)${altered ? `, ${altered} stored with other content` : ''}`,
          `restart p50 ${dur(percentile(restarts, 50))}, max ${dur(Math.max(0, ...restarts))}`,
        ],
      },
    ];
  });
}

export const crashScenarios: Scenario[] = [{ id: 'h', title: 'crash under a write storm', run: crash }];
