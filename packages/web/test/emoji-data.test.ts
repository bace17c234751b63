import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { it } from 'node:test';
import { Emoji } from '@rooms/protocol';
import { rgi } from '../src/lib/emoji-data.ts';

const require = createRequire(import.meta.url);

it('every emoji the picker offers (and each skin tone) is one the server accepts as a reaction', () => {
  const data = JSON.parse(readFileSync(require.resolve('emojibase-data/en/compact.json'), 'utf8')) as {
    unicode: string;
    group?: number;
    skins?: { unicode: string }[];
  }[];
  const offered = data
    .filter((e) => e.group !== undefined && e.group !== 2)
    .flatMap((e) => [e.unicode, ...(e.skins ?? []).map((s) => s.unicode)]);
  assert.ok(offered.length > 3000, `${offered.length} emoji`);
  const refused = offered.map(rgi).filter((u) => !Emoji.safeParse(u).success);
  assert.deepEqual(refused, []);
  // The sequence emojibase writes with an extra variation selector is the one that was refused.
  assert.equal(Emoji.safeParse('👍\uFE0F').success, false);
  assert.equal(rgi('👍\uFE0F'), '👍');
});
