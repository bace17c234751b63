import { sql, type Kysely } from 'kysely';
import type { DB } from '../schema.ts';

/**
 * The shape of an FTS5 index: its segments by level, and the merges under way. FTS5 keeps it in
 * one record of the index's %_data table (id 10), which SQLite offers no function to read outside
 * debug builds; this decodes it (the format is in fts5_index.c: a 4-byte cookie, an optional
 * 4-byte version-2 marker, then SQLite varints: levels, segments, the write counter, and for each
 * level the segments a merge is taking from it and its segments, each an id and its first and
 * last leaf pages, with five more varints each in version 2).
 */
export interface Fts5Structure {
  /** Segments in the whole index. */
  segments: number;
  /** Each level's segments (their leaf pages each) and how many of them a merge under way takes. */
  levels: { merging: number; pages: number[] }[];
}

const V2_MARKER = [0xff, 0x00, 0x00, 0x01];

export function decodeStructure(block: Uint8Array): Fts5Structure {
  let at = 4;
  const v2 = V2_MARKER.every((b, k) => block[4 + k] === b);
  if (v2) at = 8;
  const varint = (): number => {
    // SQLite's varint: 7 bits a byte, high bit set while more follow; a 9th byte gives all 8 bits.
    let v = 0;
    for (let k = 0; k < 8; k++) {
      const c = block[at++];
      if (c === undefined) throw new Error('FTS5 structure record ends early');
      v = v * 128 + (c & 0x7f);
      if ((c & 0x80) === 0) return v;
    }
    return v * 256 + (block[at++] ?? 0);
  };
  const levelCount = varint();
  const segments = varint();
  varint(); // the write counter
  const levels: Fts5Structure['levels'] = [];
  for (let l = 0; l < levelCount; l++) {
    const merging = varint();
    const n = varint();
    const pages: number[] = [];
    for (let s = 0; s < n; s++) {
      varint(); // the segment's id
      const first = varint();
      const last = varint();
      if (v2) for (let k = 0; k < 5; k++) varint(); // origins, tombstone pages, entries
      pages.push(last - first + 1);
    }
    levels.push({ merging, pages });
  }
  return { segments, levels };
}

/** The structure of one FTS5 index (by its table's name). */
export async function readStructure(db: Kysely<DB>, index: string): Promise<Fts5Structure> {
  const r = await sql<{ block: Uint8Array }>`select block from ${sql.table(`${index}_data`)} where id = 10`.execute(db);
  const block = r.rows[0]?.block;
  return block ? decodeStructure(block) : { segments: 0, levels: [] };
}

/**
 * Whether FTS5's 'merge' with a positive page count would do any work: go on with a merge under
 * way, or start one on a level holding at least `usermerge` segments (FTS5's setting, 4 unless set).
 */
export const mergeOwed = (s: Fts5Structure, usermerge = 4): boolean => s.levels.some((l) => l.merging > 0 || l.pages.length >= usermerge);

/**
 * Up to `pages` leaf pages of FTS5's own merging in an index (its 'merge' command): it goes on with
 * a merge under way, or starts one on a level of `usermerge` segments or more; nothing otherwise.
 */
export async function mergePages(db: Kysely<DB>, index: string, pages: number): Promise<void> {
  await sql`insert into ${sql.table(index)}(${sql.table(index)}, rank) values ('merge', ${pages})`.execute(db);
}
