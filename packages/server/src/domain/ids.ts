import { randomFillSync } from 'node:crypto';

/** Random bytes for 256 ids, drawn at once: the `uuid` package asked the OS for 16 bytes per id, 3-9 us each on the send path. */
const POOL_BYTES = 16 * 256;
const pool = Buffer.allocUnsafe(POOL_BYTES);
let next = POOL_BYTES;
/** The two ASCII hex digits of each byte value. */
const HEX_HI = Uint8Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0').charCodeAt(0));
const HEX_LO = Uint8Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0').charCodeAt(1));
/** The 16 bytes of the id being made, then its 36 characters. */
const bytes = new Uint8Array(16);
const text = Buffer.alloc(36);
const DASH = 0x2d;

/** The millisecond and counter of the last id, so ids made in the same millisecond still sort in order. */
let lastMs = -1;
let seq = 0;

/**
 * New entity id: a UUIDv7 (RFC 9562), so ids sort by creation time and index well. As the `uuid`
 * package does, a 32-bit counter starts at a random value each millisecond and counts up within
 * it (bits 52-83, across rand_a and the top of rand_b): ids made by this process are strictly
 * increasing even within a millisecond; a counter that wraps moves on to the next millisecond.
 */
export function newId(): string {
  if (next === POOL_BYTES) {
    randomFillSync(pool);
    next = 0;
  }
  const r = next;
  next += 16;
  const now = Date.now();
  if (now > lastMs) {
    lastMs = now;
    seq = pool.readUInt32BE(r) >>> 1; // 31 random bits: room to count up
  } else {
    seq = (seq + 1) >>> 0;
    if (seq === 0) lastMs++;
  }
  const ms = lastMs;
  const b6 = 0x70 | ((seq >>> 28) & 0x0f);
  const b7 = (seq >>> 20) & 0xff;
  const b8 = 0x80 | ((seq >>> 14) & 0x3f);
  const b9 = (seq >>> 6) & 0xff;
  const b10 = ((seq << 2) & 0xff) | (pool[r + 10]! & 0x03);
  bytes[0] = Math.floor(ms / 0x10000000000) & 0xff;
  bytes[1] = Math.floor(ms / 0x100000000) & 0xff;
  bytes[2] = (ms >>> 24) & 0xff;
  bytes[3] = (ms >>> 16) & 0xff;
  bytes[4] = (ms >>> 8) & 0xff;
  bytes[5] = ms & 0xff;
  bytes[6] = b6;
  bytes[7] = b7;
  bytes[8] = b8;
  bytes[9] = b9;
  bytes[10] = b10;
  for (let i = 11; i < 16; i++) bytes[i] = pool[r + i]!;
  return hex(bytes);
}

/**
 * The 8-4-4-4-12 form, decoded from bytes in one go: a string built by `+` is a rope of 20 pieces
 * (~450 bytes of heap for an id kept as a connection's or a map's key), and this is faster too.
 */
function hex(b: Uint8Array): string {
  let o = 0;
  for (let i = 0; i < 16; i++) {
    if (i === 4 || i === 6 || i === 8 || i === 10) text[o++] = DASH;
    text[o++] = HEX_HI[b[i]!]!;
    text[o++] = HEX_LO[b[i]!]!;
  }
  return text.toString('latin1');
}
