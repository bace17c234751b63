import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { SERVER_NODE_FLAGS } from './node-flags.ts';

const ROOT = join(import.meta.dirname, '../../..');
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

describe("the server's Node flags", () => {
  it('are on every command line that starts the server', () => {
    const start = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts.start!;
    const unit = /^ExecStart=(.*)$/m.exec(read('deploy/rooms.service'))?.[1];
    assert.ok(unit, 'deploy/rooms.service has an ExecStart line');
    for (const flag of SERVER_NODE_FLAGS) {
      assert.match(start, new RegExp(`exec node (--\\S+ )*${flag} packages/server/src/main\\.ts`), `npm start passes ${flag}`);
      assert.match(unit, new RegExp(`/node (--\\S+ )*${flag} packages/cli/bin/rooms\\.js serve`), `rooms.service passes ${flag}`);
    }
  });

  it('are flags this Node knows (it refuses one it does not)', () => {
    for (const flag of SERVER_NODE_FLAGS) {
      const r = spawnSync(process.execPath, [flag, '-e', '0'], { encoding: 'utf8' });
      assert.equal(r.status, 0, `node ${flag}: ${r.stderr}`);
    }
    assert.notEqual(spawnSync(process.execPath, ['--no-such-v8-flag-at-all', '-e', '0']).status, 0);
  });
});
