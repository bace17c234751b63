import { R } from './results.ts';

/** The account object every request carries (the three fields the original checked, as strings). */
export interface RequestAccount {
  email: string;
  username: string;
  password: string;
  [field: string]: unknown;
}

/** A frame that passed the pre-checks: its namespace (lower-cased) and account, and the whole packet. */
export interface NamespaceRequest {
  namespace: string;
  account: RequestAccount;
  packet: Record<string, unknown>;
}

/** What the pre-checks decided: a request to run, or a result to send, and whether to close after it. */
export type Precheck = { kind: 'request'; request: NamespaceRequest } | { kind: 'refuse'; result: string; close: boolean };

const USERNAME_CHARS = /^[a-z0-9_]*$/;
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The original server's checks of every frame, in its order (GATEWAYS.md §2): bad JSON, a missing
 * namespace or account (Python's KeyError text: the key in quotes), a missing account value, a
 * username outside [a-z0-9_] (after lower-casing) — each answered and the socket closed — then an
 * empty namespace (closed too) or an unknown one (the socket stays). Where the original crashed
 * (a packet that is not an object, values that are not strings) the nearest of these answers.
 */
export function precheck(text: string, known: (namespace: string) => boolean): Precheck {
  let packet: unknown;
  try {
    packet = JSON.parse(text);
  } catch (err) {
    return { kind: 'refuse', result: `json error: ${(err as Error).message}`, close: true };
  }
  if (!isObject(packet) || typeof packet.namespace !== 'string') return { kind: 'refuse', result: "json error: 'namespace'", close: true };
  if (!isObject(packet.account)) return { kind: 'refuse', result: "json error: 'account'", close: true };
  const { email, password, username } = packet.account;
  if (typeof email !== 'string' || typeof password !== 'string' || typeof username !== 'string')
    return { kind: 'refuse', result: R.emptyAccountValue, close: true };
  const account: RequestAccount = { ...packet.account, email, password, username: username.toLowerCase() };
  if (!USERNAME_CHARS.test(account.username)) return { kind: 'refuse', result: R.unwantedCharacter, close: true };
  const namespace = packet.namespace.toLowerCase();
  if (!namespace) return { kind: 'refuse', result: R.unknownNamespace, close: true };
  if (!known(namespace)) return { kind: 'refuse', result: R.unknownNamespace, close: false };
  return { kind: 'request', request: { namespace, account, packet } };
}
