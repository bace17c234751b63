import assert from 'node:assert/strict';
import type { Answer, signup } from './server.ts';

export type User = Awaited<ReturnType<typeof signup>>;
type Detail = { field: string; message: string };

/** Asserts an error answer: status, error.code and (when given) a details entry naming the field. */
export function assertRefused(res: Answer, status: number, code: string, field?: string): void {
  assert.equal(res.status, status, JSON.stringify(res.body));
  assert.equal(res.body?.error?.code, code, JSON.stringify(res.body));
  assert.equal(typeof res.body.error.message, 'string');
  if (field !== undefined) {
    const details = res.body.error.details as Detail[] | undefined;
    assert.ok(
      details?.some((d) => d.field === field && d.message.length > 0),
      `expected a details entry for ${field}, got ${JSON.stringify(details)}`,
    );
  }
}
