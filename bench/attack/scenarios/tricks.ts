/**
 * i. Token and first-run tricks, one request each: the first sign-up of a fresh server without the
 * setup token, a signed token without `exp`, a WebSocket ticket redeemed after a password change,
 * /metrics without a token, a WebSocket Origin of the wrong scheme, a /notifications query without
 * a token.
 */
import { SignJWT } from 'jose';
import { ATTACKER } from '../addresses.ts';
import { withTarget, type Ctx, type Scenario } from '../context.ts';
import { errorCode, sleep, Tally, type Answer } from '../http.ts';
import type { Row } from '../report.ts';
import { PASSWORD } from '../target.ts';
import { Peer } from '../ws.ts';

const describe = (a: Answer): string => `${a.status || a.error}${errorCode(a.body) ? ` ${errorCode(a.body)}` : ''}`;
const one = (a: { status: number; error?: string | undefined }): Tally => {
  const t = new Tally();
  t.add(a);
  return t;
};

/** Opens a WebSocket and says what became of it after a moment: refused, closed, or open. */
async function wsOutcome(open: () => Promise<Peer>, holdMs = 2000): Promise<{ status: number; text: string }> {
  try {
    const p = await open();
    const t0 = performance.now();
    await p.until(() => false, holdMs);
    const text = p.open ? `opened (ready) and still open after ${holdMs / 1000} s` : `opened (ready), then ${p.describeClose(t0)}`;
    p.close();
    return { status: 101, text };
  } catch (err) {
    const e = err as { status?: number; closeCode?: number; message: string };
    return { status: e.status ?? 0, text: e.status ? `refused ${e.status}` : e.message };
  }
}

async function tricks(ctx: Ctx): Promise<Row[]> {
  return withTarget(ctx, {}, async (t, limits) => {
    const rows: Row[] = [];
    const row = (id: string, attack: string, tally: Tally, outcome: string) =>
      rows.push({ id, attack, limits, unit: 'req', tally, outcome: [outcome] });

    // Before anyone else: is the fresh server anyone's?
    const first = await t.request('POST', '/auth/signup', {
      body: { username: 'squatter', email: 'squatter@attack.test', password: PASSWORD },
      localAddress: ATTACKER,
      keepBody: true,
    });
    row(
      'i1',
      'first sign-up on a fresh server without the setup token',
      one(first),
      `${describe(first)} (expected after the fix: 403 setup_required)`,
    );

    const user = await t.signup('victim');
    const now = Math.floor(Date.now() / 1000);
    const forever = await new SignJWT({ tv: 0 })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(user.id)
      .setIssuer('rooms')
      .setIssuedAt(now)
      .sign(new TextEncoder().encode(t.secret));
    const noExp = await t.request('GET', '/auth/me', { token: forever, keepBody: true });
    row('i2', 'GET /auth/me with a correctly signed token without `exp`', one(noExp), `${describe(noExp)} (expected after the fix: 401)`);

    const ticket = await t.request('POST', '/auth/ws-ticket', { token: user.token, keepBody: true });
    if (ticket.status !== 201) throw new Error(`ws-ticket: ${ticket.status}`);
    const changed = await t.request('PUT', '/users/me/password', {
      token: user.token,
      body: { current_password: PASSWORD, new_password: `${PASSWORD} 2` },
    });
    const oldToken = await t.request('GET', '/auth/me', { token: user.token });
    await sleep(1000);
    const redeemed = await wsOutcome(() =>
      Peer.connect(t.wsUrl, { ticket: (JSON.parse(ticket.body) as { ticket: string }).ticket, localAddress: ATTACKER }),
    );
    row(
      'i3',
      'WS ticket minted before a password change, redeemed 1 s after it',
      one({ status: redeemed.status }),
      `${redeemed.text} (password change ${changed.status}, old token now ${oldToken.status}; expected after the fix: refused 401)`,
    );

    const metrics = await t.request('GET', '/metrics', { localAddress: ATTACKER });
    row(
      'i4',
      'GET /metrics without a token',
      one(metrics),
      `${metrics.status} (expected after the fix: 404 without METRICS_TOKEN, 401 with it)`,
    );

    const fresh = await t.request('POST', '/auth/login', { body: { username: 'victim', password: `${PASSWORD} 2` }, keepBody: true });
    const token = fresh.status === 200 ? (JSON.parse(fresh.body) as { token: string }).token : user.token;
    const host = new URL(t.url).host;
    const origin = await wsOutcome(
      () => Peer.connect(t.wsUrl, { token, localAddress: ATTACKER, headers: { origin: `https://${host}` } }),
      500,
    );
    row(
      'i5',
      `WS handshake with Origin https://${host} (the server is http)`,
      one({ status: origin.status }),
      `${origin.text} (expected after the fix: refused 403)`,
    );

    const notifications = await t.request('GET', '/notifications?limit=abc', { localAddress: ATTACKER, keepBody: true });
    row(
      'i6',
      'GET /notifications?limit=abc without a token',
      one(notifications),
      `${describe(notifications)} (expected after the fix: 401 first)`,
    );
    ctx.log(`i: ${rows.map((r) => `${r.id} ${r.outcome[0]}`).join(' | ')}`);
    return rows;
  });
}

export const trickScenarios: Scenario[] = [{ id: 'i', title: 'token and first-run tricks', run: tricks }];
