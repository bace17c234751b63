import { crc32, deflateRawSync } from 'node:zlib';

/** One entry of a zip built in memory; the size fields can lie, to build hostile archives. */
export interface ZipEntry {
  name: string;
  /** The entry's bytes (compressed here unless `store`). */
  data?: Buffer;
  store?: boolean;
  /** Already-deflated bytes, with the size and CRC of what they inflate to. */
  deflated?: { bytes: Buffer; size: number; crc: number };
  /** Uncompressed size written in the headers instead of the true one. */
  declaredSize?: number;
  /** Marks the entry encrypted (flag bit 0); the bytes stay as they are. */
  encrypted?: boolean;
}

/** A zip archive (no zip64, no data descriptors) with every entry as given. */
export function buildZip(entries: ZipEntry[]): Buffer {
  const locals: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name, 'utf8');
    const data = e.data ?? Buffer.alloc(0);
    const method = e.deflated || !e.store ? 8 : 0;
    const plain = e.deflated ? e.deflated.bytes : method === 8 ? deflateRawSync(data) : data;
    // Traditional PKWARE encryption puts a 12-byte header before the data (left unencrypted here).
    const body = e.encrypted ? Buffer.concat([Buffer.alloc(12, 0xa5), plain]) : plain;
    const crc = e.deflated ? e.deflated.crc : crc32(data);
    const size = e.declaredSize ?? (e.deflated ? e.deflated.size : data.length);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    const flags = 0x0800 | (e.encrypted ? 1 : 0); // UTF-8 names
    local.writeUInt16LE(flags, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(crc >>> 0, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    const cd = Buffer.alloc(46);
    cd.writeUInt32LE(0x02014b50, 0);
    cd.writeUInt16LE(0x031e, 4);
    cd.writeUInt16LE(20, 6);
    cd.writeUInt16LE(flags, 8);
    cd.writeUInt16LE(method, 10);
    cd.writeUInt32LE(crc >>> 0, 16);
    cd.writeUInt32LE(body.length, 20);
    cd.writeUInt32LE(size, 24);
    cd.writeUInt16LE(name.length, 28);
    cd.writeUInt32LE((name.at(-1) === 0x2f ? 0o40755 : 0o100644) * 0x10000, 38);
    cd.writeUInt32LE(offset, 42);
    locals.push(local, name, body);
    central.push(cd, name);
    offset += 30 + name.length + body.length;
  }
  const cdBytes = Buffer.concat(central);
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(entries.length, 8);
  eocd.writeUInt16LE(entries.length, 10);
  eocd.writeUInt32LE(cdBytes.length, 12);
  eocd.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cdBytes, eocd]);
}

/**
 * `megabytes` MiB of zeros, deflated without compressing that much: one MiB is deflated with a
 * full flush (which resets the window, so its bytes can be repeated as they are), repeated, and
 * closed with an empty final block.
 */
export function deflatedZeros(megabytes: number): { bytes: Buffer; size: number; crc: number } {
  const mib = Buffer.alloc(1024 * 1024);
  const block = deflateRawSync(mib, { finishFlush: 3 /* Z_FULL_FLUSH */ });
  let crc = 0;
  for (let i = 0; i < megabytes; i++) crc = crc32(mib, crc);
  return { bytes: Buffer.concat([...Array<Buffer>(megabytes).fill(block), Buffer.from([0x03, 0x00])]), size: megabytes * mib.length, crc };
}
