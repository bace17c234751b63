import type { z } from 'zod';

/** What a request body or query accepts (defaults may be left out). */
export type In<T extends z.ZodType> = z.input<T>;
/** What an answer carries. */
export type Out<T extends z.ZodType> = z.output<T>;

/** A query string's input: fields the server coerces from text (limits, minutes) are numbers here. */
export type QueryIn<T extends z.ZodType> = { [K in keyof z.input<T>]: unknown extends z.input<T>[K] ? number | undefined : z.input<T>[K] };
