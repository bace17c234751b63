import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { INITIAL_NODES, initial, initialNodes, LATEST, MAX_NODES, slice, STEP, up } from './window.ts';

const ids = Array.from({ length: 500 }, (_, i) => `m${i}`);
const size = (w: ReturnType<typeof initial>) => {
  const { start, end } = slice(ids, w);
  return end - start + 1;
};

describe('timeline window', () => {
  it('mounts with the newest INITIAL_NODES messages, following new ones', () => {
    const w = initial(ids, undefined);
    assert.deepEqual(w, { startId: `m${500 - INITIAL_NODES}`, endId: null });
    assert.equal(size(w), INITIAL_NODES);
    assert.deepEqual(initial(ids.slice(0, 10), undefined), LATEST);
    assert.deepEqual(initial(ids, { anchorId: 'm450', startId: 'm350', endId: null, stuck: true }), w, 'stuck at the bottom: the newest');
  });

  it('mounts a screen of the shortest messages and a few more: fewer on a short window, never past INITIAL_NODES', () => {
    assert.equal(initialNodes(2000), INITIAL_NODES);
    assert.ok(initialNodes(800) < INITIAL_NODES && initialNodes(800) * 28 >= 800, `800 px: ${initialNodes(800)}`);
    assert.equal(initialNodes(100), 20);
    const w = initial(ids, undefined, 30);
    assert.deepEqual(w, { startId: 'm470', endId: null });
  });

  it('a room left scrolled back comes back around the message at the top of the view', () => {
    const w = initial(ids, { anchorId: 'm200', startId: 'm120', endId: 'm269', stuck: false });
    const { start, end } = slice(ids, w);
    assert.ok(start <= 200 && end >= 200 + 20, `the anchor and a screen below it are rendered (${start}–${end})`);
    assert.ok(start >= 120 && end <= 269, 'within the old window');
    assert.equal(end - start + 1, INITIAL_NODES);
  });

  it('near the newest, the window keeps following', () => {
    const w = initial(ids, { anchorId: 'm490', startId: 'm350', endId: null, stuck: false });
    assert.equal(w.endId, null);
    assert.ok(size(w) <= INITIAL_NODES);
  });

  it('grows by a step as the top comes near, never past MAX_NODES', () => {
    let w = initial(ids, undefined);
    for (let i = 0; i < 20; i++) w = up(ids, w);
    assert.equal(size(w), MAX_NODES);
    assert.equal(slice(ids, w).start, Math.max(0, 500 - INITIAL_NODES - 20 * STEP));
  });
});
