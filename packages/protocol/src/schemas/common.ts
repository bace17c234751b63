import { z } from 'zod';
import { LIMITS, LIMIT_CEILINGS } from '../limits.ts';

/** Control characters other than tab and newline (C0, DEL, C1): never accepted in text. */
const CONTROL_CHARS = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/u;
/** Every control character, tab and newline included: never accepted in a single-line field. */
const ANY_CONTROL = /[\u0000-\u001F\u007F-\u009F]/u;

/**
 * Whether a string can be stored and read back exactly: no NUL (PostgreSQL's text cannot hold one,
 * and the query fails) and no lone surrogate (UTF-8 cannot encode one: it would be stored as U+FFFD,
 * not as acknowledged). Every string field a client sends is held to it.
 */
export const isStorable = (s: string): boolean => !s.includes('\u0000') && s.isWellFormed();

/** A string field of any content: refuses what isStorable refuses. Wrap the finished chain, after trim(). */
export const storable = <T extends z.ZodString>(schema: T): T =>
  schema.refine(isStorable, { message: 'must not contain NUL characters or unpaired surrogates' }) as T;

/** A single-line field (names, codes, queries, cursors): storable, and no control character at all. */
export const singleLine = <T extends z.ZodString>(schema: T): T =>
  schema.refine((s) => isStorable(s) && !ANY_CONTROL.test(s), { message: 'must be a single line without control characters' }) as T;

/** Length in Unicode code points, the unit SPEC limits (and JSON Schema's maxLength) count. */
export const codePoints = (s: string): number => {
  let n = 0;
  for (const _ of s) n++;
  return n;
};

interface TextOptions {
  min?: number;
  max: number;
  /** Allow newlines and tabs (message bodies, bios). */
  multiline?: boolean;
  /** Trim surrounding whitespace before checking (names, short fields). */
  trim?: boolean;
}

/** User-typed text: NFC-normalised, no control characters, length bounded in code points. */
export const text = ({ min = 0, max, multiline = false, trim = true }: TextOptions) => {
  const base = storable(trim ? z.string().trim() : z.string());
  return base
    .normalize('NFC')
    .refine((s) => !CONTROL_CHARS.test(s) && (multiline || !/[\n\t]/.test(s)), {
      message: multiline ? 'must not contain control characters' : 'must be a single line without control characters',
    })
    .refine((s) => codePoints(s) >= min, { message: `must be at least ${min} characters` })
    .refine((s) => codePoints(s) <= max, { message: `must be at most ${max} characters` })
    .meta({ minLength: min, maxLength: max });
};

export const Id = z.uuid();
export const Timestamp = z.iso.datetime();
/**
 * A time a client sends, as the API writes them: years 0001-9999, at most milliseconds. PostgreSQL
 * refuses year 0 and rounds finer fractions, 9999-12-31T23:59:59.9999999Z up to year 10000, which
 * no longer reads back as a date.
 */
export const Instant = Timestamp.refine((s) => !s.startsWith('0000') && !/\.\d{4,}Z$/.test(s), {
  message: 'must be a UTC time of years 0001-9999 with at most millisecond precision',
});

/** Largest seq (and any other `integer` column): PostgreSQL cannot even compare a larger number with one. */
export const SEQ_MAX = 2_147_483_647;
export const Seq = z.number().int().min(0).max(SEQ_MAX);

/** A username's form; its length is the server's (USERNAME_MIN/MAX, checked by the accounts service) up to the ceiling. */
export const Username = z
  .string()
  .trim()
  .toLowerCase()
  .min(LIMIT_CEILINGS.username.min, 'is required')
  .max(LIMIT_CEILINGS.username.max, `must be at most ${LIMIT_CEILINGS.username.max} characters`)
  .regex(LIMITS.username.pattern, 'may contain only a-z, 0-9 and _');

export const Email = singleLine(z.string().trim().toLowerCase().max(LIMITS.email.max)).pipe(z.email('must be a valid email address'));

/** Any characters but NUL and lone surrogates (bcrypt hashes each as U+FFFD: "\ud800" and "\udbff" would be one password). */
export const Password = storable(z.string())
  .refine((s) => codePoints(s) >= LIMIT_CEILINGS.password.min, { message: 'is required' })
  .refine((s) => codePoints(s) <= LIMIT_CEILINGS.password.max, { message: `must be at most ${LIMIT_CEILINGS.password.max} characters` })
  .meta({
    minLength: LIMIT_CEILINGS.password.min,
    maxLength: LIMIT_CEILINGS.password.max,
    description: "the server's PASSWORD_MIN..PASSWORD_MAX (GET /limits; 8-128 by default)",
  });

export const HttpUrl = singleLine(z.string().trim().max(LIMITS.website.max)).pipe(
  z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' }),
);

export const IdParams = z.strictObject({ id: Id });

/**
 * The one way every list pages: `?limit=&cursor=`, where `cursor` is opaque, the `next_cursor` of the
 * previous page. A list with its own bounds (or extra filters) spreads these fields into its query.
 */
export const pageQueryFields = (bounds: { max: number; default: number } = LIMITS.page) => ({
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(bounds.max)
    .default(bounds.default)
    .meta({ description: `page size (1-${bounds.max}, default ${bounds.default})` }),
  cursor: singleLine(z.string().max(300))
    .optional()
    .meta({ description: 'the next_cursor of the previous page; absent for the first page' }),
});
export const PageQuery = z.strictObject(pageQueryFields());

/** The one shape every list answers: a page of items and the cursor of the next one (null on the last). */
export const pageOf = <T extends z.ZodType>(item: T) =>
  z.object({
    items: z.array(item),
    next_cursor: z.string().nullable().meta({ description: 'pass as ?cursor= for the next page; null on the last one' }),
  });

export const ErrorResponse = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
});
