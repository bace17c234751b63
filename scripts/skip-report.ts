/**
 * A node:test reporter that ends `npm test` with what it did not run and why, so a green run
 * without PostgreSQL, Redis or clamd is not mistaken for a full one. Each skipped suite or test
 * counts once (a skipped suite's tests never start), grouped by its reason.
 */
interface TestEvent {
  type: string;
  data: { name?: string; skip?: string | boolean; file?: string };
}

export function summarizeSkips(skips: { name: string; reason: string }[]): string {
  if (skips.length === 0) return '\nℹ nothing skipped: every suite ran\n';
  const byReason = new Map<string, string[]>();
  for (const s of skips) byReason.set(s.reason, [...(byReason.get(s.reason) ?? []), s.name]);
  const lines = [...byReason]
    .sort((a, b) => b[1].length - a[1].length)
    .map(([reason, names]) => {
      const shown = names
        .slice(0, 3)
        .map((n) => `"${n}"`)
        .join(', ');
      return `  ${names.length} × ${reason}: ${shown}${names.length > 3 ? `, and ${names.length - 3} more` : ''}`;
    });
  const services = ['TEST_DATABASE_URL', 'TEST_REDIS_URL', 'TEST_CLAMD_URL', 'TEST_S3_URL'].filter((v) =>
    skips.some((s) => s.reason.includes(v)),
  );
  const hint = services.length ? `\n  Set ${services.join(', ')} for a full run (README: Development).` : '';
  return `\n⚠ skipped ${skips.length} suite${skips.length === 1 ? '' : 's'} or test${skips.length === 1 ? '' : 's'}, by reason:\n${lines.join('\n')}${hint}\n`;
}

export default async function* skipReport(source: AsyncIterable<TestEvent>): AsyncGenerator<string> {
  const skips: { name: string; reason: string }[] = [];
  for await (const e of source) {
    if ((e.type === 'test:pass' || e.type === 'test:fail') && e.data.skip) {
      skips.push({ name: e.data.name ?? '?', reason: typeof e.data.skip === 'string' ? e.data.skip : 'skipped without a reason' });
    }
  }
  yield summarizeSkips(skips);
}
