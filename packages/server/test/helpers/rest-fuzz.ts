/**
 * A schema-driven REST fuzzer: reads the server's own OpenAPI document and, for every operation,
 * builds requests that are valid except in one place (a path segment, a query parameter, one body
 * field, the body as a whole, its content type, the token), so that each malformed value travels
 * as far into the server as validation lets it. Deterministic: a seeded PRNG picks the cases.
 */
import { Agent, request } from 'node:http';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** The part of JSON Schema the server's document uses. */
export interface Schema {
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  enum?: Json[];
  anyOf?: Schema[];
  format?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  nullable?: boolean;
}

interface Param {
  name: string;
  in: 'path' | 'query';
  schema: Schema;
}

export interface Operation {
  method: string;
  /** The path template, e.g. /rooms/{id}/members/{userId}. */
  path: string;
  params: Param[];
  body: Schema | undefined;
  secured: boolean;
}

export interface OpenApiDoc {
  paths: Record<
    string,
    Record<
      string,
      {
        parameters?: (Param & { required?: boolean })[];
        requestBody?: { content?: Record<string, { schema: Schema }> };
        security?: unknown[];
      }
    >
  >;
}

/** Every operation of the document. */
export function operationsOf(doc: OpenApiDoc): Operation[] {
  return Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.entries(ops).map(([method, op]) => ({
      method: method.toUpperCase(),
      path,
      params: (op.parameters ?? []).filter((p) => p.in === 'path' || p.in === 'query'),
      body: op.requestBody?.content?.['application/json']?.schema,
      secured: (op.security ?? []).length > 0,
    })),
  );
}

/** The real rows a request may name, so that validation past the path is reached. */
export interface Fixture {
  token: string;
  password: string;
  /** Another user, member of the room. */
  otherUserId: string;
  roomId: string;
  messageId: string;
  inviteCode: string;
  /** An emoji the fixture user reacted to the message with. */
  emoji: string;
}

/** mulberry32: a small seeded PRNG, so a failing case can be replayed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const b64 = (s: string) => Buffer.from(s).toString('base64url');
const UNKNOWN_ID = '0190a0a0-0000-7000-8000-000000000000';

/** A valid value for a field, from its schema and its name (ids name the fixture's rows). */
function sample(schema: Schema, name: string, fx: Fixture, opPath: string): Json {
  const branch = schema.anyOf?.find((s) => s.type !== 'null') ?? schema;
  if (branch !== schema) return sample(branch, name, fx, opPath);
  if (schema.enum) return schema.enum[0] ?? null;
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  switch (type) {
    case 'object': {
      const out: Record<string, Json> = {};
      for (const key of schema.required ?? []) out[key] = sample(schema.properties?.[key] ?? {}, key, fx, opPath);
      return out;
    }
    case 'array':
      return schema.minItems ? [sample(schema.items ?? {}, name, fx, opPath)] : [];
    case 'integer':
    case 'number': {
      const lo = schema.minimum ?? 0;
      const hi = schema.maximum ?? Number.MAX_SAFE_INTEGER;
      return Math.min(Math.max(1, lo), hi);
    }
    case 'boolean':
      return false;
    default:
      return sampleString(schema, name, fx, opPath);
  }
}

let made = 0;
function sampleString(schema: Schema, name: string, fx: Fixture, opPath: string): string {
  const unique = `fz${process.pid % 1000}_${++made}`;
  if (schema.format === 'uuid') {
    if (name === 'user_id' || name === 'userId') return fx.otherUserId;
    if (name === 'message_id' || name === 'parent_id') return fx.messageId;
    if (name === 'room_id') return fx.roomId;
    if (name === 'id')
      return opPath.startsWith('/messages')
        ? fx.messageId
        : opPath.startsWith('/users')
          ? fx.otherUserId
          : opPath.startsWith('/rooms')
            ? fx.roomId
            : UNKNOWN_ID;
    return UNKNOWN_ID;
  }
  if (schema.format === 'date-time') return new Date(Date.now() + 3600_000).toISOString();
  if (schema.format === 'date') return '1990-05-17';
  if (schema.format === 'email' || name === 'email') return `${unique}@example.test`;
  if (name === 'username') return unique;
  if (name === 'password' || name === 'current_password') return fx.password;
  if (name === 'new_password') return 'another long password';
  if (name === 'emoji') return fx.emoji;
  if (name === 'code' || name === 'invite_code') return fx.inviteCode;
  if (name === 'avatar_url' || name === 'website') return 'https://example.test/x';
  if (name === 'phone') return '+1 555 0100';
  const len = Math.min(Math.max(schema.minLength ?? 1, 4), schema.maxLength ?? 4);
  return 'fuzz'.repeat(Math.ceil(len / 4)).slice(0, len) || 'f';
}

/** A JSON literal that JSON.stringify cannot produce (1e400, -0, 2^53 + 1). */
class Raw {
  readonly literal: string;
  constructor(literal: string) {
    this.literal = literal;
  }
}
type Value = Json | Raw | Value[] | { [k: string]: Value };

/** A value carried in a URL: `text` is percent-encoded (lone surrogates as their raw UTF-8-like bytes), `raw` goes as is. */
type UrlValue = { text: string } | { raw: string };

const FORGED_CURSORS = [
  b64(`1|${UNKNOWN_ID}`),
  b64('["a",2]'),
  b64('[1,2]'),
  b64('["a","b"]'),
  b64(`["a","${UNKNOWN_ID}",3]`),
  b64('x|y|z'),
  b64(`0000-01-01T00:00:00.000Z|${UNKNOWN_ID}`),
  b64(`2024-13-45T99:99:99.000Z|${UNKNOWN_ID}`),
  b64(`275760-09-13T00:00:00.000Z|${UNKNOWN_ID}`),
  b64(`2024-01-01T00:00:00.000Z|not-a-uuid`),
  b64(`["\u0000","${UNKNOWN_ID}"]`),
  b64(`[null,"${UNKNOWN_ID}"]`),
  b64('{}'),
  '!!!',
  '%%%',
];

/** Malformed strings: each alone should be refused by any field that is not free text. */
const BAD_STRINGS: [label: string, make: (valid: string, max: number) => string][] = [
  ['NUL inside', (v) => `${v.slice(0, 1)}\u0000${v.slice(1)}`],
  ['NUL only', () => '\u0000'],
  ['lone high surrogate', (v) => `${v}\ud800`],
  ['lone low surrogate', () => '\udc00x'],
  ['C0 control', (v) => `${v}\u0001`],
  ['escape', (v) => `\u001b[31m${v}`],
  ['newline', (v) => `${v}\nx`],
  ['DEL and C1', (v) => `${v}\u007f\u0085`],
  ['empty', () => ''],
  ['blank', () => '   '],
  ['one over maxLength', (v, max) => 'x'.repeat(max + 1)],
  ['huge', () => 'x'.repeat(100_000)],
  ['15-digit number', () => '999999999999999'],
  ['past int32', () => '2147483648'],
  ['negative', () => '-1'],
  ['float', () => '1.5'],
  ['exponent', () => '1e400'],
  ['nil uuid', () => '00000000-0000-0000-0000-000000000000'],
  ['dashes', () => '-'.repeat(36)],
  ['unknown uuid', () => UNKNOWN_ID],
  ['sql', () => "' or 1=1 --"],
  ['like wildcards', () => '%_\\'],
  ['path traversal', () => '../../etc/passwd'],
  ['BOM and noncharacter', (v) => `\ufeff${v}\uffff`],
  ['decomposed', () => 'e\u0301'],
  ['year 0', () => '0000-01-01T00:00:00.000Z'],
  ['rounds past year 9999', () => '9999-12-31T23:59:59.9999999Z'],
  ...FORGED_CURSORS.map((c, i): [string, () => string] => [`forged cursor ${i}`, () => c]),
];

const BAD_NUMBERS: [string, Value][] = [
  ['past int32', 2147483648],
  ['int32 max', 2147483647],
  ['below int32', -2147483649],
  ['15-digit', 999999999999999],
  ['2^53+1', new Raw('9007199254740993')],
  ['1e308', 1e308],
  ['1e400 (Infinity)', new Raw('1e400')],
  ['-0', new Raw('-0')],
  ['negative', -1],
  ['fraction', 1.5],
  ['numeric string', '1'],
];

const WRONG_TYPES: [string, Value][] = [
  ['null', null],
  ['true', true],
  ['zero', 0],
  ['string', 'x'],
  ['array', ['x']],
  ['object', { a: 'x' }],
  ['NUL key object', { '\u0000': 'x' }],
];

/** Query-string values: what a URL can carry that a form field or a cursor should refuse. */
const BAD_QUERY: [string, UrlValue][] = [
  ['%00', { raw: '%00' }],
  ['a%00b', { raw: 'a%00b' }],
  ['surrogate bytes', { raw: '%ED%A0%80' }],
  ['overlong zero (C0 80)', { raw: '%C0%80' }],
  ['invalid UTF-8', { raw: '%FF%FE' }],
  ['lone %', { raw: '%' }],
  ['bad escape', { raw: '%zz' }],
  ['2147483648', { text: '2147483648' }],
  ['999999999999999', { text: '999999999999999' }],
  ['-1', { text: '-1' }],
  ['1.5', { text: '1.5' }],
  ['1e400', { text: '1e400' }],
  ['Infinity', { text: 'Infinity' }],
  ['0x10', { text: '0x10' }],
  ['empty', { text: '' }],
  ['huge', { text: 'x'.repeat(8000) }],
  ['escape', { text: '\u001b[0m' }],
  ['dashes', { text: '-'.repeat(36) }],
  ['nil uuid', { text: '00000000-0000-0000-0000-000000000000' }],
  ...FORGED_CURSORS.map((c, i): [string, UrlValue] => [`forged cursor ${i}`, { text: c }]),
];

const BAD_PATH: [string, UrlValue][] = [
  ['%00', { raw: '%00' }],
  ['a%00b', { raw: 'a%00b' }],
  ['surrogate bytes', { raw: '%ED%A0%80' }],
  ['invalid UTF-8', { raw: '%FF' }],
  ['lone %', { raw: '%' }],
  ['unknown uuid', { text: UNKNOWN_ID }],
  ['nil uuid', { text: '00000000-0000-0000-0000-000000000000' }],
  ['dashes', { text: '-'.repeat(36) }],
  ['not a uuid', { text: 'not-a-uuid' }],
  ['999999999999999', { text: '999999999999999' }],
  ['traversal', { raw: '..%2F..%2Fetc' }],
  ['long', { text: 'x'.repeat(4000) }],
  ['NUL text', { text: '\u0000' }],
  ['lone surrogate text', { text: '\ud800' }],
];

/** Percent-encodes text; a lone surrogate becomes the bytes a careless client would send for it (CESU-8). */
function encodeText(s: string): string {
  let out = '';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (c >= 0xd800 && c <= 0xdfff)
      out +=
        `%${(0xe0 | (c >> 12)).toString(16)}%${(0x80 | ((c >> 6) & 0x3f)).toString(16)}%${(0x80 | (c & 0x3f)).toString(16)}`.toUpperCase();
    else out += encodeURIComponent(ch);
  }
  return out;
}
const urlValue = (v: UrlValue) => ('raw' in v ? v.raw : encodeText(v.text));

function stringify(v: Value): string {
  const raws: string[] = [];
  const text = JSON.stringify(v, (_k, x: unknown) => {
    if (x instanceof Raw) {
      raws.push(x.literal);
      return `@@raw${raws.length - 1}@@`;
    }
    return x;
  });
  return text.replace(/"@@raw(\d+)@@"/g, (_m, i: string) => raws[Number(i)]!);
}

/** One request of the fuzz run. */
export interface FuzzCase {
  label: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body: Buffer | undefined;
  /** Sent first of all the op's cases, whatever the sample: the inputs known to have broken the server. */
  priority: boolean;
  /** It carries a NUL or a lone surrogate in a string the server reads: any success is a failure. */
  mustRefuse: boolean;
}

type Slot = { path: (string | number)[]; schema: Schema; name: string };

/** Every field of a body schema (nested objects and array items included), up to a depth. */
function slotsOf(schema: Schema, at: (string | number)[] = [], name = '', depth = 0): Slot[] {
  const out: Slot[] = at.length ? [{ path: at, schema, name }] : [];
  if (depth >= 4) return out;
  const s = schema.anyOf?.find((b) => b.type !== 'null') ?? schema;
  for (const [key, sub] of Object.entries(s.properties ?? {})) out.push(...slotsOf(sub, [...at, key], key, depth + 1));
  if (s.items) out.push(...slotsOf(s.items, [...at, 0], name, depth + 1));
  return out;
}

/** The body with only its required fields, plus `value` set at `path` (intermediate objects made from their schemas). */
function withValue(schema: Schema, base: Json, path: (string | number)[], value: Value, fx: Fixture, opPath: string): Value {
  if (path.length === 0) return value;
  const [head, ...rest] = path;
  const s = schema.anyOf?.find((b) => b.type !== 'null') ?? schema;
  if (typeof head === 'number') {
    const items = s.items ?? {};
    return [withValue(items, sample(items, '', fx, opPath), rest, value, fx, opPath)];
  }
  const sub = s.properties?.[head!] ?? {};
  const obj = base !== null && typeof base === 'object' && !Array.isArray(base) ? base : {};
  const current = obj[head!] ?? sample(sub, head!, fx, opPath);
  return { ...obj, [head!]: withValue(sub, current, rest, value, fx, opPath) };
}

const typeOf = (s: Schema) => {
  const b = s.anyOf?.find((x) => x.type !== 'null') ?? s;
  if (b.enum) return 'enum';
  return (Array.isArray(b.type) ? b.type.find((t) => t !== 'null') : b.type) ?? 'string';
};

/** Values to put in one body field instead of a valid one. */
function fieldMutations(slot: Slot, valid: Json): [string, Value, boolean][] {
  const type = typeOf(slot.schema);
  const max = slot.schema.maxLength ?? 1000;
  const out: [string, Value, boolean][] = WRONG_TYPES.map(([l, v]) => [l, v, false]);
  if (type === 'string' || type === 'enum') {
    const v = typeof valid === 'string' ? valid : 'x';
    const isTime = slot.schema.format === 'date-time' || slot.schema.anyOf?.some((b) => b.format === 'date-time');
    for (const [label, make] of BAD_STRINGS)
      out.push([label, make(v, max), /NUL|surrogate/.test(label) || (isTime === true && /year/.test(label))]);
  }
  if (type === 'integer' || type === 'number')
    for (const [label, v] of BAD_NUMBERS) out.push([label, v, label === 'past int32' || label === '15-digit']);
  if (type === 'array') out.push(['10k items', Array.from({ length: 10_000 }, () => 'x'), false]);
  return out;
}

export interface CaseOptions {
  /** Cases per operation beyond the priority ones (sampled with the PRNG). */
  perOperation: number;
  bodyLimit: number;
}

/** The requests of one operation: every priority case, then a seeded sample of the rest. */
export function casesFor(op: Operation, fx: Fixture, rand: () => number, opts: CaseOptions): FuzzCase[] {
  const pathParams = op.params.filter((p) => p.in === 'path');
  const queryParams = op.params.filter((p) => p.in === 'query');
  const validPath = Object.fromEntries(
    pathParams.map((p) => [p.name, { text: String(sample(p.schema, p.name, fx, op.path)) } as UrlValue]),
  );
  const validBody = op.body ? sample(op.body, '', fx, op.path) : undefined;
  const auth = { authorization: `Bearer ${fx.token}` };
  const json = { 'content-type': 'application/json' };

  const make = (
    label: string,
    parts: { path?: Record<string, UrlValue>; query?: [string, UrlValue][]; body?: Buffer | undefined; headers?: Record<string, string> },
    priority = false,
    mustRefuse = priority,
  ): FuzzCase => {
    const segs = { ...validPath, ...parts.path };
    const path = op.path.replace(/\{(\w+)\}/g, (_m, n: string) => urlValue(segs[n] ?? { text: 'x' }));
    const query = (parts.query ?? []).map(([k, v]) => `${encodeText(k)}=${urlValue(v)}`).join('&');
    const body = 'body' in parts ? parts.body : validBody !== undefined ? Buffer.from(stringify(validBody)) : undefined;
    const headers = { ...(op.secured ? auth : {}), ...(body !== undefined ? json : {}), ...parts.headers };
    return {
      label: `${op.method} ${op.path} ${label}`,
      method: op.method,
      path: query ? `${path}?${query}` : path,
      headers,
      body,
      priority,
      mustRefuse,
    };
  };
  const jsonBody = (v: Value) => Buffer.from(stringify(v));

  const cases: FuzzCase[] = [];
  // A NUL decodes from a URL; a lone surrogate cannot (its bytes are invalid UTF-8), so only NUL must be refused there.
  const carriesNul = (label: string) => /%00|NUL/.test(label);
  for (const p of pathParams)
    for (const [label, v] of BAD_PATH)
      cases.push(make(`path ${p.name}: ${label}`, { path: { [p.name]: v } }, /00|NUL|surrogate/.test(label), carriesNul(label)));
  for (const p of queryParams) {
    const positional = /cursor|before|after/.test(p.name);
    const priority = (label: string) =>
      /00|surrogate|2147483648|999999999999999/.test(label) || (positional && label.startsWith('forged cursor'));
    for (const [label, v] of BAD_QUERY)
      cases.push(make(`query ${p.name}: ${label}`, { query: [[p.name, v]] }, priority(label), carriesNul(label)));
    cases.push(
      make(`query ${p.name}: repeated`, {
        query: [
          [p.name, { text: '1' }],
          [p.name, { text: '2' }],
        ],
      }),
    );
    cases.push(make(`query ${p.name}: bracket`, { query: [[`${p.name}[]`, { text: '1' }]] }));
    cases.push(make(`query ${p.name}: NUL in text`, { query: [[p.name, { text: `a\u0000` }]] }, true));
  }
  cases.push(make('query: unknown parameter with NUL', { query: [['zz', { raw: '%00' }]] }, true));
  cases.push(make('query: unknown parameter', { query: [['zz', { text: '1' }]] }));

  if (op.body) {
    for (const slot of slotsOf(op.body)) {
      const valid = sample(slot.schema, slot.name, fx, op.path);
      for (const [label, v, priority] of fieldMutations(slot, valid)) {
        const body = jsonBody(withValue(op.body, validBody ?? null, slot.path, v, fx, op.path));
        cases.push(make(`body ${slot.path.join('.')}: ${label}`, { body }, priority, /NUL|surrogate/.test(label)));
      }
    }
    for (const req of op.body.required ?? []) {
      const { [req]: _drop, ...rest } = (validBody ?? {}) as Record<string, Json>;
      cases.push(make(`body: without ${req}`, { body: jsonBody(rest) }));
    }
    const v = (validBody ?? {}) as Record<string, Json>;
    const bodies: [string, Buffer | undefined, Record<string, string>?][] = [
      ['none', undefined],
      ['empty with JSON type', Buffer.alloc(0), json],
      ['{}', jsonBody({})],
      ['extra field', jsonBody({ ...v, zz_extra: 1 })],
      ['NUL key', jsonBody({ ...v, '\u0000': 1 })],
      ['lone surrogate key', jsonBody({ ...v, '\ud800': 1 })],
      ['__proto__', Buffer.from('{"__proto__":{"polluted":true}}')],
      ['constructor.prototype', Buffer.from('{"constructor":{"prototype":{"polluted":true}}}')],
      ['array', jsonBody([v])],
      ['string', jsonBody('x')],
      ['null', Buffer.from('null')],
      ['number', Buffer.from('2147483648')],
      ['truncated JSON', Buffer.from('{"a":')],
      ['trailing garbage', Buffer.from(`${stringify(v)}xx`)],
      ['duplicate keys', Buffer.from(`${stringify(v).slice(0, -1)}${Object.keys(v).length ? ',' : ''}"zz":1,"zz":"\\u0000"}`)],
      ['invalid UTF-8 bytes', Buffer.concat([Buffer.from('{"zz":"'), Buffer.from([0xff, 0xfe, 0xed, 0xa0, 0x80]), Buffer.from('"}')])],
      ['deep arrays', Buffer.from(`${'['.repeat(20_000)}${']'.repeat(20_000)}`)],
      ['deep objects', Buffer.from(`${'{"a":'.repeat(20_000)}1${'}'.repeat(20_000)}`)],
      ['over the body limit', Buffer.from(`{"zz":"${'x'.repeat(opts.bodyLimit)}"}`)],
      ['text/plain', jsonBody(v), { 'content-type': 'text/plain' }],
      ['form', Buffer.from('a=b'), { 'content-type': 'application/x-www-form-urlencoded' }],
      ['multipart', Buffer.from('--x\r\n\r\n--x--'), { 'content-type': 'multipart/form-data; boundary=x' }],
      ['JSON as latin1', jsonBody(v), { 'content-type': 'application/json; charset=latin1' }],
      ['no content type', jsonBody(v), { 'content-type': '' }],
    ];
    for (const [label, body, headers] of bodies)
      cases.push(make(`body: ${label}`, { body, ...(headers ? { headers } : {}) }, label === 'NUL key' || label === 'lone surrogate key'));
  } else {
    // Not a must-refuse: a GET's body is not read at all.
    cases.push(make('unexpected JSON body with NUL', { body: jsonBody({ zz: '\u0000' }) }, false, false));
  }

  if (op.secured) {
    const bad: [string, Record<string, string>][] = [
      ['no token', { authorization: '' }],
      ['garbage token', { authorization: 'Bearer garbage' }],
      ['tampered token', { authorization: `Bearer ${fx.token}x` }],
      ['alg none', { authorization: `Bearer ${b64('{"alg":"none","typ":"JWT"}')}.${b64('{"sub":"x"}')}.` }],
      ['Basic', { authorization: 'Basic Zm9vOmJhcg==' }],
    ];
    for (const [label, headers] of bad) cases.push(make(`auth: ${label}`, { headers }));
    // Some malformed inputs without a token as well: refused all the same, whatever is checked first.
    for (const c of cases.filter((x) => x.priority && !x.label.includes('auth:')).slice(0, 4)) {
      cases.push({ ...c, label: `${c.label} (no token)`, headers: { ...c.headers, authorization: '' } });
    }
  }

  const priority = cases.filter((c) => c.priority);
  const rest = cases.filter((c) => !c.priority);
  for (let i = rest.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [rest[i], rest[j]] = [rest[j]!, rest[i]!];
  }
  return [...priority, ...rest.slice(0, opts.perOperation)];
}

export interface Answered {
  status: number;
  body: string;
}

/** Sends cases over one keep-alive HTTP/1.1 connection exactly as built (no URL normalisation, headers as given). */
export function fuzzClient(base: string) {
  const url = new URL(base);
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const send = (c: FuzzCase): Promise<Answered> => {
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(c.headers)) if (v !== '') headers[k] = v;
    if (c.body !== undefined) headers['content-length'] = String(c.body.length);
    return new Promise((resolve, reject) => {
      const req = request({ host: url.hostname, port: url.port, method: c.method, path: c.path, headers, agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (d: Buffer) => chunks.push(d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(c.body);
    });
  };
  return { send, close: () => agent.destroy() };
}
