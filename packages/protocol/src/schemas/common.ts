import { z } from 'zod';
import { LIMITS } from '../limits.ts';

/** Control characters other than tab and newline (C0, DEL, C1): never accepted in text. */
const CONTROL_CHARS = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/u;

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
  const base = trim ? z.string().trim() : z.string();
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

export const Username = z
  .string()
  .trim()
  .toLowerCase()
  .min(LIMITS.username.min, `must be at least ${LIMITS.username.min} characters`)
  .max(LIMITS.username.max, `must be at most ${LIMITS.username.max} characters`)
  .regex(LIMITS.username.pattern, 'may contain only a-z, 0-9 and _');

export const Email = z.string().trim().toLowerCase().max(LIMITS.email.max).pipe(z.email('must be a valid email address'));

export const Password = z
  .string()
  .refine((s) => codePoints(s) >= LIMITS.password.min, { message: `must be at least ${LIMITS.password.min} characters` })
  .refine((s) => codePoints(s) <= LIMITS.password.max, { message: `must be at most ${LIMITS.password.max} characters` })
  .meta({ minLength: LIMITS.password.min, maxLength: LIMITS.password.max });

export const HttpUrl = z
  .string()
  .trim()
  .max(LIMITS.website.max)
  .pipe(z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' }));

export const IdParams = z.strictObject({ id: Id });

/** Keyset pagination: `cursor` is opaque, returned as `next_cursor` by the previous page. */
export const PageQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(LIMITS.page.max).default(LIMITS.page.default),
  cursor: z.string().max(200).optional(),
});

export const ErrorResponse = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
});
