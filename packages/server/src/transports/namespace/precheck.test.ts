import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { precheck } from './precheck.ts';
import { toSignupBody } from './signup-input.ts';

const known = (ns: string) => ns === '/login';
const acct = { email: 'e@example.test', username: 'Wilson', password: 'pw' };
const refuse = (result: string, close: boolean) => ({ kind: 'refuse', result, close });

describe('namespace pre-checks (the original order)', () => {
  it('refuses and closes: bad JSON, no namespace, no account, a missing account value, an unwanted character, an empty namespace', () => {
    const bad = precheck('{"namespace":', known);
    assert.equal(bad.kind === 'refuse' && bad.close && bad.result.startsWith('json error: '), true);
    assert.deepEqual(precheck('{}', known), refuse("json error: 'namespace'", true));
    assert.deepEqual(precheck('null', known), refuse("json error: 'namespace'", true));
    assert.deepEqual(precheck('{"namespace": 5, "account": {}}', known), refuse("json error: 'namespace'", true));
    // The namespace is looked at before the account, as Python read the keys.
    assert.deepEqual(precheck(JSON.stringify({ account: acct }), known), refuse("json error: 'namespace'", true));
    assert.deepEqual(precheck(JSON.stringify({ namespace: '/login' }), known), refuse("json error: 'account'", true));
    assert.deepEqual(precheck(JSON.stringify({ namespace: '/login', account: [] }), known), refuse("json error: 'account'", true));
    assert.deepEqual(
      precheck(JSON.stringify({ namespace: '/login', account: { email: '', username: 'a' } }), known),
      refuse('empty account value', true),
    );
    assert.deepEqual(
      precheck(JSON.stringify({ namespace: '/login', account: { ...acct, password: 1 } }), known),
      refuse('empty account value', true),
    );
    assert.deepEqual(
      precheck(JSON.stringify({ namespace: '/login', account: { ...acct, username: 'wil-son' } }), known),
      refuse('unwanted character in username', true),
    );
    assert.deepEqual(precheck(JSON.stringify({ namespace: '', account: acct }), known), refuse('unknown namespace', true));
  });

  it('answers an unknown namespace without closing, and passes a good request on lower-cased', () => {
    assert.deepEqual(precheck(JSON.stringify({ namespace: '/nope', account: acct }), known), refuse('unknown namespace', false));
    const ok = precheck(JSON.stringify({ namespace: '/LOGIN', account: acct, extra: 1 }), known);
    assert.equal(ok.kind, 'request');
    if (ok.kind !== 'request') return;
    assert.equal(ok.request.namespace, '/login');
    assert.equal(ok.request.account.username, 'wilson');
    assert.equal(ok.request.packet.extra, 1);
  });
});

describe('sign-up fields onto the Rooms profile', () => {
  it("maps the seed's basicInfo and personalInfo, and a bare website", () => {
    const mapped = toSignupBody({
      ...acct,
      displayName: 'W',
      website: 'wilsonwebsite.com',
      personalInfo: { hobbies: ['coding'] },
      basicInfo: {
        sex: 'male',
        height: '48.0',
        weight: '12.9',
        birthDate: '2001/05/12',
        interestedInMen: 'true',
        interestedInWomen: true,
        maritalStatus: 'single',
      },
    });
    assert.ok('body' in mapped);
    assert.equal(mapped.body.website, 'http://wilsonwebsite.com');
    assert.deepEqual(mapped.body.profile, {
      hobbies: { value: ['coding'] },
      gender: { value: 'male' },
      height_cm: { value: 48 },
      weight_kg: { value: 12.9 },
      birth_date: { value: '2001-05-12' },
      relationship_status: { value: 'single' },
      interested_in: { value: 'men and women' },
    });
    assert.deepEqual(toSignupBody({ ...acct, basicInfo: 'tall' }), { refused: 'basicInfo is invalid: must be an object' });
  });
});
