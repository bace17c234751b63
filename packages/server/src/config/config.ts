import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ATTACHMENT_LIMITS, DEFAULT_ROOM_CATEGORIES, LIMITS, LIMIT_CEILINGS, ROOM_LIMITS, type ServerLimits } from '@rooms/protocol';
import { z } from 'zod';

/** The web app's build output in this checkout (packages/web/dist), wherever the server is started from. */
export const DEFAULT_WEB_DIR = fileURLToPath(new URL('../../../web/dist', import.meta.url));

const seconds = (def: number, min = 1) => z.coerce.number().int().min(min).default(def);
/** A length in characters (code points), 1 up to the ceiling the request schemas allow. */
const lengthLimit = (def: number, ceiling: number) => z.coerce.number().int().min(1).max(ceiling).default(def);
const optionalUrl = z
  .string()
  .trim()
  .transform((s) => (s === '' ? undefined : s))
  .pipe(z.url().optional())
  .optional();

/**
 * Every setting Rooms reads, with its default. Environment variables use these names;
 * a JSON config file (ROOMS_CONFIG) may set the same keys, and the environment wins.
 */
export const ConfigSchema = z
  .object({
    PORT: z.coerce.number().int().min(0).max(65535).default(8080),
    HOST: z.string().min(1).default('0.0.0.0'),
    DATA_DIR: z.string().min(1).default('./data'),
    /** postgres://… for scaled mode; absent → SQLite file in DATA_DIR. */
    DATABASE_URL: optionalUrl,
    /** redis://… for scaled mode (login lockout, later fan-out and presence); absent → in-process. */
    REDIS_URL: optionalUrl,
    /** Prefix of every Redis key and channel, so several deployments (or test runs) can share one Redis. */
    REDIS_PREFIX: z
      .string()
      .regex(/^[\w:.-]{0,64}$/)
      .default('rooms:'),
    /** Seconds a (username, IP) pair stays blocked after 3 failed logins. */
    BLOCK_TIME: seconds(60),
    /** Consecutive failed logins that trigger the block. */
    LOGIN_MAX_FAILURES: z.coerce.number().int().min(1).max(100).default(3),
    /** Seconds of silence after which terminal and TCP sessions are ended. */
    TIME_OUT: seconds(30 * 60),
    /** Signing key for tokens; generated and kept in DATA_DIR when absent (set it when running several nodes). */
    JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
    TOKEN_TTL: seconds(24 * 60 * 60, 60),
    BCRYPT_COST: z.coerce.number().int().min(10).max(15).default(12),
    /** Days a deactivated account waits before its personal data is purged. */
    DEACTIVATION_DAYS: z.coerce.number().int().min(1).max(365).default(30),
    /** Days notifications are kept. */
    NOTIFICATION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
    /** Seconds between runs of the periodic jobs (purge of deactivated accounts, expiries). */
    JOB_INTERVAL: seconds(60 * 60),
    /** Room categories users may pick, comma-separated. */
    ROOM_CATEGORIES: z
      .string()
      .default(DEFAULT_ROOM_CATEGORIES.join(','))
      .transform((v) => [
        ...new Set(
          v
            .split(',')
            .map((c) => c.trim().toLowerCase())
            .filter(Boolean),
        ),
      ])
      .pipe(z.array(z.string().regex(/^[a-z0-9_-]{1,30}$/, 'categories are 1-30 of a-z 0-9 _ -')).min(1)),
    /** Messages one user may send per MESSAGE_RATE_WINDOW seconds, across all rooms and nodes. */
    MESSAGE_RATE_LIMIT: z.coerce.number().int().min(1).max(100_000).default(10),
    MESSAGE_RATE_WINDOW: seconds(10),
    /** Seconds after sending during which the sender may edit a message. */
    EDIT_WINDOW: seconds(15 * 60),
    // SPEC §12's other limits (GET /limits tells clients); request schemas allow up to LIMIT_CEILINGS.
    ROOM_NAME_MAX: lengthLimit(ROOM_LIMITS.name.max, LIMIT_CEILINGS.roomName.max),
    USERNAME_MIN: lengthLimit(LIMITS.username.min, LIMIT_CEILINGS.username.max),
    USERNAME_MAX: lengthLimit(LIMITS.username.max, LIMIT_CEILINGS.username.max),
    PASSWORD_MIN: lengthLimit(LIMITS.password.min, LIMIT_CEILINGS.password.max),
    PASSWORD_MAX: lengthLimit(LIMITS.password.max, LIMIT_CEILINGS.password.max),
    DISPLAY_NAME_MAX: lengthLimit(LIMITS.displayName.max, LIMIT_CEILINGS.displayName.max),
    STATUS_MESSAGE_MAX: lengthLimit(LIMITS.statusMessage.max, LIMIT_CEILINGS.statusMessage.max),
    MESSAGE_MAX_LENGTH: lengthLimit(ROOM_LIMITS.message.max, LIMIT_CEILINGS.message.max),
    /** Seconds an invite lasts when its creator does not say. */
    INVITE_EXPIRY: seconds(ROOM_LIMITS.inviteDefaultSeconds, 60),
    /** Seconds a typing indicator lasts without a new keystroke. */
    TYPING_TIMEOUT: seconds(5),
    /** Seconds without activity after which a connected user shows as away. */
    AWAY_AFTER: seconds(5 * 60),
    /** Origins (besides the server's own) whose pages may open /ws, comma-separated; '*' for any. */
    WS_ALLOWED_ORIGINS: z
      .string()
      .default('')
      .transform((v) =>
        v
          .split(',')
          .map((o) => o.trim())
          .filter(Boolean),
      ),
    /** Bytes a socket may have queued before it is closed as a slow consumer (it then resumes). */
    WS_MAX_BUFFER: z.coerce
      .number()
      .int()
      .min(16 * 1024)
      .default(4 * 1024 * 1024),
    BODY_LIMIT: z.coerce
      .number()
      .int()
      .min(1024)
      .default(1024 * 1024),
    /** Trust X-Forwarded-For from a reverse proxy (true, false, or a hop count / address list). */
    TRUST_PROXY: z
      .string()
      .default('false')
      .transform((v): boolean | number | string => (v === 'true' ? true : v === 'false' ? false : /^\d+$/.test(v) ? Number(v) : v)),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    /** auto: human-readable on a terminal, JSON lines otherwise; json or pretty to choose. */
    LOG_FORMAT: z.enum(['auto', 'json', 'pretty']).default('auto'),
    /** Time every SQL statement and log the totals at shutdown (a diagnostic for benchmarks). */
    SQL_TIMING: z
      .enum(['true', 'false'])
      .default('false')
      .transform((v) => v === 'true'),
    /** Grace, in seconds, for in-flight requests at shutdown before connections are cut. */
    SHUTDOWN_GRACE: seconds(10),
    /** Serve the web app at / (false: the server answers the API only). */
    WEB_UI: z
      .enum(['true', 'false'])
      .default('true')
      .transform((v) => v === 'true'),
    /** The built web app (index.html + assets/); a relative path is taken from the working directory. */
    WEB_DIR: z.string().min(1).default(DEFAULT_WEB_DIR),

    // Abuse resistance: who may sign up, and the bounds every flood meets.
    /** open: anyone; invite: sign-up needs a valid room invite code; closed: accounts come from admins (CLI) only. */
    SIGNUP: z.enum(['open', 'invite', 'closed']).default('open'),
    /** The one-time token the first admin's sign-up must carry on a fresh database; derived from the signing key when absent. */
    SETUP_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
    /** Login attempts one IP may make per LOGIN_IP_WINDOW seconds, whatever the account (429 + Retry-After). */
    LOGIN_IP_LIMIT: z.coerce.number().int().min(1).max(1_000_000).default(30),
    LOGIN_IP_WINDOW: seconds(60),
    /** Sign-ups one IP may make per SIGNUP_IP_WINDOW seconds. */
    SIGNUP_IP_LIMIT: z.coerce.number().int().min(1).max(1_000_000).default(10),
    SIGNUP_IP_WINDOW: seconds(60 * 60),
    /** Accounts sharing one email that a login by that email checks (the most recently seen first). */
    LOGIN_EMAIL_MAX_ACCOUNTS: z.coerce.number().int().min(1).max(50).default(5),
    /** Password hashes computed at once (bcrypt threads); absent → half the cores, at least 1. */
    PASSWORD_HASH_CONCURRENCY: z.coerce.number().int().min(1).max(64).optional(),
    /** Password checks that may wait for a thread; beyond it sign-ups and logins get 503 + Retry-After. */
    PASSWORD_HASH_QUEUE: z.coerce.number().int().min(0).max(10_000).default(16),
    /** Seconds a client has to send a whole request, headers and body (408 after). */
    REQUEST_TIMEOUT: seconds(30),
    /** Milliseconds a "slow down" answer (429, 503 with Retry-After) is held before it is sent (0: at once). */
    REFUSAL_DELAY_MS: z.coerce.number().int().min(0).max(60_000).default(1000),
    /** Open TCP connections (HTTP and WebSocket) one IP may hold; more are refused. */
    MAX_CONNECTIONS_PER_IP: z.coerce.number().int().min(1).default(1000),
    /** WebSocket frames a connection may send per second, sustained (token bucket; costly frames weigh more). */
    WS_FRAME_RATE: z.coerce.number().min(1).max(1_000_000).default(20),
    /** WebSocket frames a connection may send in a burst; past the bucket it is closed with 1008. */
    WS_FRAME_BURST: z.coerce.number().int().min(1).max(1_000_000).default(100),
    /** With it, /metrics answers only to `Authorization: Bearer <token>`; without it /metrics is off (404). */
    METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
    /** Rooms one user may own (public and private; direct rooms do not count). */
    MAX_OWNED_ROOMS: z.coerce.number().int().min(1).max(1_000_000).default(100),
    /** Rooms one user may be a member of (direct rooms included). */
    MAX_JOINED_ROOMS: z.coerce.number().int().min(1).max(1_000_000).default(1000),
    /** Invites of one room that may be usable at once. */
    MAX_ROOM_INVITES: z.coerce.number().int().min(1).max(1_000_000).default(100),

    // Attachments API (issue 16): uploads, quota, rate, signed URLs, cleanup.
    /** Bytes one uploaded file may have (one byte more: 413, nothing kept). */
    ATTACHMENT_MAX_BYTES: z.coerce
      .number()
      .int()
      .min(1)
      .max(1024 * 1024 * 1024)
      .default(10 * 1024 * 1024),
    /** Bytes one user's stored uploads may take in all (posted or not). */
    ATTACHMENT_QUOTA_BYTES: z.coerce
      .number()
      .int()
      .min(1)
      .default(1024 * 1024 * 1024),
    /** Uploads one user may make per UPLOAD_RATE_WINDOW seconds (429 + Retry-After past it). */
    UPLOAD_RATE_LIMIT: z.coerce.number().int().min(1).max(1_000_000).default(30),
    UPLOAD_RATE_WINDOW: seconds(60),
    /** Message searches one user may make per SEARCH_RATE_WINDOW seconds (429 + Retry-After past it). */
    SEARCH_RATE_LIMIT: z.coerce.number().int().min(1).max(1_000_000).default(30),
    SEARCH_RATE_WINDOW: seconds(10),
    /** How long one search may run in the database (ms); a query that needs longer gets query_too_broad (400). On SQLite a search runs on the event loop's thread: this bounds how long it can hold everything else up. */
    SEARCH_TIME_BUDGET_MS: z.coerce.number().int().min(10).max(60_000).default(500),
    /** Seconds a signed attachment URL lives (rounded up to 10 minutes, so it stays cacheable). */
    ATTACHMENT_URL_TTL: seconds(60 * 60, 60),
    /** Seconds an upload may stay unposted before the cleanup job deletes it. */
    ATTACHMENT_UNPOSTED_TTL: seconds(24 * 60 * 60, 60),

    // Attachments, images (issue 16): decoding bounds and location privacy.
    /** MiB of decoded pixels all image decodes may hold at once; the per-image pixel limit is this ÷ IMAGE_DECODE_CONCURRENCY ÷ 4 bytes (≈ 52 MP by default). */
    IMAGE_DECODE_MEMORY_MB: z.coerce.number().int().min(16).max(1_048_576).default(400),
    /** Images decoded (thumbnailed) at once; more uploads wait their turn. */
    IMAGE_DECODE_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(2),
    /** Keep EXIF/XMP GPS location in stored originals (false: it is removed; thumbnails never carry metadata). */
    IMAGE_KEEP_GPS: z
      .enum(['true', 'false'])
      .default('false')
      .transform((v) => v === 'true'),

    // Attachments, malware scanning (issue 16): clamd in addition to the built-in checks, and the zip bomb bounds.
    /** clamd to ask as well as the built-in scanner: tcp://host:port or unix:/path/to/clamd.ctl; absent → built-in only. */
    CLAMD_URL: z
      .string()
      .trim()
      .transform((s) => (s === '' ? undefined : s))
      .pipe(
        z
          .string()
          .regex(/^(tcp:\/\/(\[[^\]]+\]|[^:/]+):\d{1,5}\/?|unix:(\/\/)?\/.+)$/, 'expected tcp://host:port or unix:/path')
          .optional(),
      )
      .optional(),
    /** Seconds clamd has to answer one scan; past it the upload fails closed (503 scanner_unavailable). */
    CLAMD_TIMEOUT: seconds(30),
    /** Bytes the entries of an archive (nested ones included) may expand to, declared or actual. */
    ARCHIVE_MAX_EXPANDED_BYTES: z.coerce
      .number()
      .int()
      .min(1024)
      .default(100 * 1024 * 1024),
    /** Entries an archive may hold, nested ones included. */
    ARCHIVE_MAX_ENTRIES: z.coerce.number().int().min(1).default(10_000),
    /** Archive levels followed: 1 = a zip, 2 = a zip inside a zip, ...; deeper is refused. */
    ARCHIVE_MAX_DEPTH: z.coerce.number().int().min(1).max(20).default(3),
    /** Expanded ÷ compressed size an archive entry larger than 4 MiB may reach. */
    ARCHIVE_MAX_RATIO: z.coerce.number().min(2).default(100),

    // Attachment storage (issue 16): where uploaded bytes live.
    /** disk: files under DATA_DIR/attachments; s3: an S3-compatible bucket. Absent → s3 when S3_BUCKET is set, else disk. */
    STORAGE: z.enum(['disk', 's3']).optional(),
    /** An S3-compatible server (MinIO, Ceph, R2, …); absent → AWS S3 itself, from S3_REGION. */
    S3_ENDPOINT: optionalUrl,
    S3_BUCKET: z
      .string()
      .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'an S3 bucket name: 3-63 of a-z 0-9 . -')
      .optional(),
    S3_REGION: z.string().min(1).default('us-east-1'),
    /** Static credentials (both or neither); absent → the AWS SDK's chain (AWS_* variables, instance role). */
    S3_ACCESS_KEY_ID: z.string().min(1).optional(),
    S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
    /** Bucket in the URL path rather than the host name; absent → true with S3_ENDPOINT, false for AWS. */
    S3_FORCE_PATH_STYLE: z
      .enum(['true', 'false'])
      .transform((v) => v === 'true')
      .optional(),
    /** Create S3_BUCKET at start when missing (otherwise the server refuses to start without it). */
    S3_CREATE_BUCKET: z
      .enum(['true', 'false'])
      .default('false')
      .transform((v) => v === 'true'),

    // Core features for the gateways (issue 18): guest accounts and reports.
    /** Days a guest account (made by a gateway for an anonymous identity) may go unused before it is purged. */
    GUEST_IDLE_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
    /** Reports one user may file per REPORT_RATE_WINDOW seconds (429 + Retry-After past it). */
    REPORT_RATE_LIMIT: z.coerce.number().int().min(1).max(1_000_000).default(10),
    REPORT_RATE_WINDOW: seconds(60 * 60),

    // The "namespace" gateway (issue 18, GATEWAYS.md §2): the original Rooms app's JSON-over-WebSocket clients.
    /** Serve the namespace protocol on a WebSocket path of the HTTP port (off by default). */
    NAMESPACE_GATEWAY: z
      .enum(['true', 'false'])
      .default('false')
      .transform((v) => v === 'true'),
    /** Where its WebSocket is on the HTTP port: a path other than /ws. */
    NAMESPACE_GATEWAY_PATH: z
      .string()
      .regex(/^(\/[A-Za-z0-9._~-]+)+$/, 'a path such as /compat/rooms (not ending in /)')
      .refine((p) => p !== '/ws', 'must not be /ws')
      .default('/compat/rooms'),
    // The simple chatroom's TCP protocol (issue 18 §3, GATEWAYS.md §3): off unless a port is given.
    /** Port of the TCP gateway; absent (or empty) → off; 0 → any free port. */
    TCP_GATEWAY_PORT: z.preprocess((v) => (v === '' ? undefined : v), z.coerce.number().int().min(0).max(65535).optional()),
    /** Address the TCP gateway listens on; absent → HOST. */
    TCP_GATEWAY_HOST: z.string().min(1).optional(),
    /** Seconds a client of the TCP gateway may take to send its one request frame before it is cut off. */
    TCP_GATEWAY_READ_TIMEOUT: seconds(10),
    /** The bubble gateway (issue 18): the 2016 bubble app's Socket.IO events at /socket.io/ on the main port. */
    BUBBLE_GATEWAY: z
      .enum(['true', 'false'])
      .default('false')
      .transform((v) => v === 'true'),
  })
  .superRefine((c, ctx) => {
    if (c.USERNAME_MIN > c.USERNAME_MAX)
      ctx.addIssue({ code: 'custom', path: ['USERNAME_MIN'], message: 'must not be more than USERNAME_MAX' });
    if (c.PASSWORD_MIN > c.PASSWORD_MAX)
      ctx.addIssue({ code: 'custom', path: ['PASSWORD_MIN'], message: 'must not be more than PASSWORD_MAX' });
    // Attachment storage (issue 16): the S3 settings that only make sense together.
    if (c.STORAGE === 's3' && !c.S3_BUCKET) ctx.addIssue({ code: 'custom', path: ['S3_BUCKET'], message: 'required when STORAGE=s3' });
    if (Boolean(c.S3_ACCESS_KEY_ID) !== Boolean(c.S3_SECRET_ACCESS_KEY)) {
      ctx.addIssue({ code: 'custom', path: ['S3_SECRET_ACCESS_KEY'], message: 'S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY go together' });
    }
  });

export type Config = z.infer<typeof ConfigSchema>;

export class ConfigError extends Error {}

/** Reads the configuration from a JSON file (optional) and the environment, or throws a ConfigError naming each bad value. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Record<keyof Config, unknown>> = {}): Config {
  const fromFile = env.ROOMS_CONFIG ? readConfigFile(env.ROOMS_CONFIG) : {};
  const fromEnv = Object.fromEntries(Object.keys(ConfigSchema.shape).flatMap((k) => (env[k] === undefined ? [] : [[k, env[k]]])));
  const parsed = ConfigSchema.safeParse({ ...fromFile, ...fromEnv, ...overrides });
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.') || '(config)'}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  return parsed.data;
}

function readConfigFile(path: string): Record<string, unknown> {
  let raw: string;
  try {
    raw = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`Cannot read config file ${path}: ${(err as Error).message}`);
  }
  try {
    const data: unknown = JSON.parse(raw);
    if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new Error('expected a JSON object');
    refuseUnknownKeys(path, data as Record<string, unknown>);
    return data as Record<string, unknown>;
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    throw new ConfigError(`Config file ${path} is not valid: ${(err as Error).message}`);
  }
}

/**
 * A key the server does not read is a mistake (a typo, a setting of another version): ignored, it
 * would leave the operator believing a setting applies. Each is named, with the nearest known key.
 */
function refuseUnknownKeys(path: string, data: Record<string, unknown>): void {
  const known = Object.keys(ConfigSchema.shape);
  const unknown = Object.keys(data).filter((k) => !known.includes(k));
  if (unknown.length === 0) return;
  const lines = unknown.map((k) => {
    const near = closestKey(k, known);
    return `  ${k}: not a setting${near ? ` (did you mean ${near}?)` : ''}`;
  });
  throw new ConfigError(`Config file ${path} has unknown keys:\n${lines.join('\n')}`);
}

/** The known key nearest to key (case ignored) by edit distance, if it is near enough to be a typo. */
function closestKey(key: string, known: string[]): string | undefined {
  let best: { k: string; d: number } | undefined;
  for (const k of known) {
    const d = editDistance(key.toUpperCase(), k);
    if (!best || d < best.d) best = { k, d };
  }
  return best && best.d <= Math.max(2, Math.floor(key.length / 3)) ? best.k : undefined;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length]!;
}

/** The limits this configuration sets (SPEC §12), as the services check them and `GET /limits` tells clients. */
export function serverLimits(c: Config): ServerLimits {
  return {
    username: { min: c.USERNAME_MIN, max: c.USERNAME_MAX },
    password: { min: c.PASSWORD_MIN, max: c.PASSWORD_MAX },
    display_name: { min: LIMITS.displayName.min, max: c.DISPLAY_NAME_MAX },
    status_message: { max: c.STATUS_MESSAGE_MAX },
    room_name: { min: ROOM_LIMITS.name.min, max: c.ROOM_NAME_MAX },
    message: { min: ROOM_LIMITS.message.min, max: c.MESSAGE_MAX_LENGTH },
    edit_window_seconds: c.EDIT_WINDOW,
    invite_default_seconds: c.INVITE_EXPIRY,
    typing_seconds: c.TYPING_TIMEOUT,
    away_after_seconds: c.AWAY_AFTER,
    attachment_max_bytes: c.ATTACHMENT_MAX_BYTES,
    attachments_per_message: ATTACHMENT_LIMITS.perMessage,
    message_rate: { limit: c.MESSAGE_RATE_LIMIT, window_seconds: c.MESSAGE_RATE_WINDOW },
  };
}
