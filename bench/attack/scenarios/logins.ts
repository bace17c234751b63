/**
 * a. login flood with random usernames (one IP, then 32), b. one email shared by 50 accounts,
 * c. sign-up flood from one IP. Password hashing is what these attacks spend; the probe shows
 * whether signed-in users pay for it, the legitimate user's logins whether they still get in.
 */
import { randomBytes } from 'node:crypto';
import { addresses, ATTACKER, legitimate } from '../addresses.ts';
import { DRAIN_MS, percentile, QUIET_MS, untilDeadline, withTarget, type Ctx, type Scenario } from '../context.ts';
import { closedLoop, pool, sleep, Tally, type Answer } from '../http.ts';
import { dur, type Row } from '../report.ts';
import { PASSWORD, type Account, type Target } from '../target.ts';

const FLOODERS = 32;

/**
 * A real user logging in (by username, right password) once a second from its own address, each
 * login waiting for the previous one, until stopped.
 */
function legitimateLogins(t: Target, user: Account, localAddress: string): { stop: () => Promise<{ times: number[]; tally: Tally }> } {
  const times: number[] = [];
  const tally = new Tally();
  let stopped = false;
  const loop = (async () => {
    do {
      const a = await t.request('POST', '/auth/login', {
        body: { username: user.username, password: PASSWORD },
        localAddress,
        timeoutMs: DRAIN_MS,
      });
      tally.add(a);
      times.push(a.ms);
      await sleep(Math.max(0, 1000 - a.ms));
    } while (!stopped);
  })();
  return {
    stop: async () => {
      stopped = true;
      await loop;
      return { times, tally };
    },
  };
}

function legitOutcome(l: { times: number[]; tally: Tally }): string {
  const ok = l.tally.by.get('200') ?? 0;
  const max = Math.max(0, ...l.times);
  return `legitimate login: ${ok}/${l.tally.sent} ok (${l.tally.breakdown()}), p50 ${dur(percentile(l.times, 50))}, max ${dur(max)} (goal < 2 s: ${max < 2000 && ok === l.tally.sent ? 'met' : 'missed'})`;
}

const probeOutcome = (p99: number): string => `/auth/me p99 ${dur(p99)} (goal ≤ 50 ms: ${p99 <= 50 ? 'met' : 'missed'})`;

async function loginFlood(ctx: Ctx): Promise<Row[]> {
  return withTarget(ctx, {}, async (t, limits) => {
    const probeUser = await t.signup('probe');
    const user = await t.signup('legit');
    const probe = t.probe(probeUser);
    const rows: Row[] = [];
    const variants = [
      { id: 'a1', name: 'one IP', from: Array<string>(FLOODERS).fill(ATTACKER) },
      { id: 'a2', name: `${FLOODERS} IPs`, from: addresses(1, FLOODERS) },
    ];
    for (const [i, v] of variants.entries()) {
      const quiet = await probe.measure(QUIET_MS);
      const tally = new Tally();
      const legit = legitimateLogins(t, user, legitimate(i));
      const t0 = performance.now();
      const end = t0 + ctx.floodSeconds * 1000;
      const { latency } = await probe.during(async () => {
        await closedLoop(FLOODERS, end, async (w) => {
          const username = `x${randomBytes(6).toString('hex')}`;
          tally.add(
            await t.request('POST', '/auth/login', {
              body: { username, password: 'not the password' },
              localAddress: v.from[w],
              timeoutMs: untilDeadline(end),
            }),
          );
        });
      });
      const elapsed = performance.now() - t0;
      const l = await legit.stop();
      rows.push({
        id: v.id,
        attack: `login flood, ${FLOODERS} clients, random usernames, ${v.name}`,
        limits,
        unit: 'req',
        tally,
        quiet,
        during: latency,
        outcome: [`${ctx.floodSeconds} s flood drained after ${dur(elapsed)}`, legitOutcome(l), probeOutcome(latency.p99)],
        figures: { legitimateLoginMs: l.times, statuses: Object.fromEntries(tally.by) },
      });
      ctx.log(`${v.id}: ${tally.sent} logins (${tally.breakdown()}), probe p99 ${latency.p99.toFixed(0)} ms`);
    }
    return rows;
  });
}

const SHARED_ACCOUNTS = 50;
const EMAIL_LOGINS = 3;

async function emailFanOut(ctx: Ctx): Promise<Row[]> {
  return withTarget(ctx, {}, async (t, limits) => {
    const probeUser = await t.signup('probe');
    const user = await t.signup('legit');
    const email = 'shared@attack.test';
    const s0 = performance.now();
    await pool(SHARED_ACCOUNTS, 4, (i) => t.signup(`shared_${i}`, { email }));
    const signupMs = performance.now() - s0;
    const probe = t.probe(probeUser);
    const quiet = await probe.measure(QUIET_MS);
    const tally = new Tally();
    const times: number[] = [];
    const from = addresses(2, EMAIL_LOGINS);
    const legit = legitimateLogins(t, user, legitimate(5));
    const end = performance.now() + ctx.floodSeconds * 1000;
    const { latency } = await probe.during(() =>
      closedLoop(EMAIL_LOGINS, end, async (w) => {
        const a: Answer = await t.request('POST', '/auth/login', {
          body: { email, password: PASSWORD },
          localAddress: from[w],
          timeoutMs: untilDeadline(end),
        });
        tally.add(a);
        times.push(a.ms);
      }),
    );
    const l = await legit.stop();
    ctx.log(`b: ${tally.sent} email logins (${tally.breakdown()}), p50 ${percentile(times, 50).toFixed(0)} ms`);
    return [
      {
        id: 'b',
        attack: `${SHARED_ACCOUNTS} accounts on one email, ${EMAIL_LOGINS} concurrent logins by email for ${ctx.floodSeconds} s`,
        limits,
        unit: 'req',
        tally,
        quiet,
        during: latency,
        outcome: [
          `login by email p50 ${dur(percentile(times, 50))}, max ${dur(Math.max(0, ...times))} (${tally.breakdown()})`,
          legitOutcome(l),
          probeOutcome(latency.p99),
          `set-up: ${SHARED_ACCOUNTS} sign-ups from ${SHARED_ACCOUNTS} addresses in ${dur(signupMs)}`,
        ],
        figures: { emailLoginMs: times, legitimateLoginMs: l.times },
      },
    ];
  });
}

const SIGNUP_CLIENTS = 8;

async function signupFlood(ctx: Ctx): Promise<Row[]> {
  return withTarget(ctx, {}, async (t, limits) => {
    const probe = t.probe(await t.signup('probe'));
    const quiet = await probe.measure(QUIET_MS);
    const tally = new Tally();
    let n = 0;
    const t0 = performance.now();
    const end = t0 + ctx.floodSeconds * 1000;
    const { latency } = await probe.during(() =>
      closedLoop(SIGNUP_CLIENTS, end, async () => {
        // An attacker has no setup token: the server already has its admin.
        const username = `flood_${n++}`;
        tally.add(
          await t.request('POST', '/auth/signup', {
            body: { username, email: `${username}@attack.test`, password: PASSWORD },
            localAddress: ATTACKER,
            timeoutMs: untilDeadline(end),
          }),
        );
      }),
    );
    const seconds = (performance.now() - t0) / 1000;
    const created = tally.by.get('201') ?? 0;
    ctx.log(`c: ${created} accounts in ${seconds.toFixed(1)} s (${tally.breakdown()})`);
    return [
      {
        id: 'c',
        attack: `sign-up flood from one IP, ${SIGNUP_CLIENTS} clients for ${ctx.floodSeconds} s`,
        limits,
        unit: 'req',
        tally,
        quiet,
        during: latency,
        outcome: [
          `${created} accounts created in ${seconds.toFixed(1)} s = ${Math.round((created / seconds) * 60).toLocaleString('en')} per minute (${tally.breakdown()})`,
        ],
      },
    ];
  });
}

export const loginScenarios: Scenario[] = [
  { id: 'a', title: 'login flood', run: loginFlood },
  { id: 'b', title: 'email fan-out', run: emailFanOut },
  { id: 'c', title: 'sign-up flood', run: signupFlood },
];
