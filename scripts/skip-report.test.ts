import assert from 'node:assert/strict';
import { it } from 'node:test';
import skipReport, { summarizeSkips } from './skip-report.ts';

it('names the count and the reason of every skip, with the service variables to set', async () => {
  async function* events() {
    yield { type: 'test:pass', data: { name: 'store contract: postgres', skip: 'TEST_DATABASE_URL not set' } };
    yield { type: 'test:pass', data: { name: 'two nodes', skip: 'TEST_DATABASE_URL / TEST_REDIS_URL not set' } };
    yield { type: 'test:pass', data: { name: 'runs', skip: false } };
    yield { type: 'test:pass', data: { name: 'screenshots', skip: true } };
  }
  let out = '';
  for await (const s of skipReport(events())) out += s;
  assert.match(out, /skipped 3 suites or tests/);
  assert.match(out, /1 × TEST_DATABASE_URL not set: "store contract: postgres"/);
  assert.match(out, /1 × skipped without a reason: "screenshots"/);
  assert.match(out, /Set TEST_DATABASE_URL, TEST_REDIS_URL for a full run/);
  assert.doesNotMatch(out, /"runs"/);
});

it('says so when nothing was skipped', () => {
  assert.match(summarizeSkips([]), /nothing skipped/);
});
