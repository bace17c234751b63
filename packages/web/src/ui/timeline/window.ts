/**
 * The rendered window of a timeline: a slice of the loaded ids, at most MAX_NODES long, named by
 * its first and last ids (null end: through the newest, following live messages). Ids keep their
 * meaning when older history is prepended, so a prepend never moves what is on screen.
 */
export const MAX_NODES = 150;
/**
 * Messages added to the window per step near an edge. 12 per scroll event was tried: each render
 * was shorter (longest task 201 ms against 553 at a 4x CPU throttle), but there were more than
 * twice as many long frames, and bench:ui's p95 frame time doubled (66.7 against 33.3 ms).
 */
export const STEP = 50;
/** Older messages are fetched while this many loaded ones are still above the window. */
export const PREFETCH = 60;
/**
 * Messages rendered when a timeline mounts (a room opened or switched back to): a screen of
 * messages at their shortest (one grouped line, MIN_ROW_PX) and a few more, so the switch lays out
 * no more than it shows (layout is most of a switch's cost in bench:ui profiles); the window grows
 * by STEP as the user scrolls towards an edge.
 */
export const INITIAL_NODES = 40;
const MIN_ROW_PX = 28;
export const initialNodes = (viewportHeight: number): number =>
  Math.max(20, Math.min(INITIAL_NODES, Math.ceil(viewportHeight / MIN_ROW_PX) + 4));

export interface Win {
  startId: string | null;
  endId: string | null;
}

export function slice(ids: string[], win: Win): { start: number; end: number } {
  if (ids.length === 0) return { start: 0, end: -1 };
  let end = win.endId === null ? ids.length - 1 : ids.indexOf(win.endId);
  if (end < 0) end = ids.length - 1;
  let start = win.startId === null ? 0 : ids.indexOf(win.startId);
  if (start < 0 || start > end) start = Math.max(0, end - MAX_NODES + 1);
  // Following the newest: the window slides down as messages arrive.
  if (win.endId === null && end - start + 1 > MAX_NODES) start = end - MAX_NODES + 1;
  return { start, end };
}

/** The window after growing upwards by STEP (the bottom is trimmed to keep MAX_NODES). */
export function up(ids: string[], win: Win): Win {
  const { start, end } = slice(ids, win);
  const s = Math.max(0, start - STEP);
  const e = Math.min(end, s + MAX_NODES - 1);
  return { startId: ids[s] ?? null, endId: e === ids.length - 1 && win.endId === null ? null : (ids[e] ?? null) };
}

/** The window after growing downwards by STEP (the top is trimmed). */
export function down(ids: string[], win: Win): Win {
  const { start, end } = slice(ids, win);
  const e = Math.min(ids.length - 1, end + STEP);
  const s = Math.max(start, e - MAX_NODES + 1);
  return { startId: ids[s] ?? null, endId: e === ids.length - 1 ? null : (ids[e] ?? null) };
}

/** A window centred on one message. */
export function around(ids: string[], id: string): Win {
  const i = Math.max(0, ids.indexOf(id));
  const s = Math.max(0, i - MAX_NODES / 2);
  const e = Math.min(ids.length - 1, s + MAX_NODES - 1);
  return { startId: ids[s] ?? null, endId: e === ids.length - 1 ? null : (ids[e] ?? null) };
}

export const LATEST: Win = { startId: null, endId: null };

/** Where a timeline was left (scroll-memory.ts), as far as the window is concerned. */
export interface Left {
  anchorId: string | null;
  startId: string | null;
  endId: string | null;
  stuck: boolean;
}

/**
 * The window a timeline mounts with: the newest n messages, or, when the user had scrolled back
 * before leaving, n around the message that was at the top of the view
 * (the rest of the old window comes back as they scroll).
 */
export function initial(ids: string[], left: Left | undefined, n: number = INITIAL_NODES): Win {
  if (!left || left.stuck || !left.anchorId || ids.indexOf(left.anchorId) < 0) {
    if (left && !left.stuck && left.anchorId === null) return { startId: left.startId, endId: left.endId };
    return ids.length > n ? { startId: ids[ids.length - n]!, endId: null } : LATEST;
  }
  const a = ids.indexOf(left.anchorId);
  const { start, end } = slice(ids, { startId: left.startId, endId: left.endId });
  const s = Math.max(start, a - Math.floor(n / 4));
  const e = Math.min(end, s + n - 1);
  return { startId: ids[s] ?? null, endId: e === ids.length - 1 && left.endId === null ? null : (ids[e] ?? null) };
}
