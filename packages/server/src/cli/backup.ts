import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { copyFileSync, createReadStream, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadConfig } from '../config/config.ts';
import { DiskBlobStore } from '../files/blobs/disk.ts';
import { MIGRATION_NAMES } from '../store/sql/migrations/index.ts';
import { openStore } from '../store/sql/open.ts';
import { CliError, say } from './run.ts';

export const BACKUP_HELP = `Usage: rooms backup PATH

Writes a consistent copy of an embedded server's data into the new folder PATH, while the server
runs: the SQLite database as one snapshot (VACUUM INTO: one read transaction, so writers are
never blocked and nothing half-written is copied), the files of the attachments it refers to, the
generated secrets (secrets.json: keep the backup private), and manifest.json (what was copied,
with the database's SHA-256).

PostgreSQL (DATABASE_URL set): use pg_dump, as the README shows; attachments on S3 are the bucket's
to keep (versioning or a replica). This command then only explains that, and copies nothing.

Examples:
  rooms backup /var/backups/rooms-$(date +%F)
  DATA_DIR=/srv/rooms rooms backup /mnt/backup/rooms`;

export const RESTORE_HELP = `Usage: rooms restore PATH

Restores a folder written by \`rooms backup\` into DATA_DIR, with the server stopped. Refuses a
DATA_DIR that already holds a database (move it aside first). Checks the copy before and after:
the manifest's SHA-256, SQLite's integrity and foreign-key checks, and every attachment's file;
then brings the schema up to date (a backup from an older version is upgraded).

Example:
  DATA_DIR=/srv/rooms rooms restore /var/backups/rooms-2026-12-05`;

const DB_FILE = 'rooms.sqlite';
const SECRETS_FILE = 'secrets.json';

interface Manifest {
  format: 'rooms-backup-1';
  created_at: string;
  database: { file: string; sha256: string; bytes: number; migrations: string[] };
  counts: { users: number; rooms: number; messages: number; attachments: number };
  attachments: { storage: 'disk' | 's3'; files: number; missing: string[] };
}

const sha256 = (file: string): Promise<string> =>
  new Promise((ok, fail) => {
    const h = createHash('sha256');
    createReadStream(file)
      .on('data', (c) => h.update(c))
      .on('end', () => ok(h.digest('hex')))
      .on('error', fail);
  });

function blobKeys(db: Database.Database): string[] {
  const rows = db.prepare('SELECT blob_key, thumb_key FROM attachments').all() as { blob_key: string; thumb_key: string | null }[];
  return rows.flatMap((r) => (r.thumb_key ? [r.blob_key, r.thumb_key] : [r.blob_key]));
}

function counts(db: Database.Database): Manifest['counts'] {
  const n = (table: string) => (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
  return { users: n('users'), rooms: n('rooms'), messages: n('messages'), attachments: n('attachments') };
}

async function copyBlobs(keys: string[], fromDataDir: string, toDataDir: string): Promise<{ copied: number; missing: string[] }> {
  const from = await DiskBlobStore.open(fromDataDir);
  const to = await DiskBlobStore.open(toDataDir);
  const missing: string[] = [];
  try {
    for (const key of keys) {
      const got = await from.get(key);
      // Deleted after the snapshot (an attachment removed meanwhile): its row is in the copy, its
      // file is gone. Said in the manifest; restore reports it.
      if (!got) missing.push(key);
      else await to.put(key, got.body, { size: got.size, contentType: 'application/octet-stream' });
    }
  } finally {
    await from.close();
    await to.close();
  }
  return { copied: keys.length - missing.length, missing };
}

/** `rooms backup PATH`. */
export async function backupCommand(args: string[]): Promise<void> {
  if (args.includes('--help') || args.includes('-h')) return say(BACKUP_HELP);
  const target = args[0];
  if (!target || args.length > 1) throw new CliError(`rooms backup takes one folder.\n\n${BACKUP_HELP}`);
  const config = loadConfig();
  if (config.DATABASE_URL) {
    throw new CliError(
      'This server uses PostgreSQL (DATABASE_URL): back it up with pg_dump, e.g.\n' +
        '  pg_dump --format=custom --file=rooms.dump "$DATABASE_URL"\n' +
        'and restore with pg_restore --clean --dbname="$DATABASE_URL" rooms.dump (README: Backups).',
    );
  }
  const dataDir = resolve(config.DATA_DIR);
  const source = join(dataDir, DB_FILE);
  if (!existsSync(source)) throw new CliError(`No database at ${source}: nothing to back up (is DATA_DIR right?).`);
  const out = resolve(target);
  if (existsSync(out) && readdirSync(out).length > 0) throw new CliError(`${out} is not empty: a backup goes into a new folder.`);
  mkdirSync(out, { recursive: true, mode: 0o700 });

  const started = Date.now();
  say(`backing up ${source} into ${out}`);
  const dbCopy = join(out, DB_FILE);
  // One read transaction on a read-only connection: a consistent snapshot, and the server's writer
  // is never blocked (WAL), however long the copy takes.
  const src = new Database(source, { readonly: true, fileMustExist: true });
  try {
    src.pragma('busy_timeout = 5000');
    src.prepare('VACUUM INTO ?').run(dbCopy);
  } finally {
    src.close();
  }
  const copy = new Database(dbCopy, { readonly: true, fileMustExist: true });
  let keys: string[];
  let manifestCounts: Manifest['counts'];
  let migrations: string[];
  try {
    keys = blobKeys(copy);
    manifestCounts = counts(copy);
    migrations = (copy.prepare('SELECT name FROM kysely_migration ORDER BY name').all() as { name: string }[]).map((r) => r.name);
  } finally {
    copy.close();
  }
  say(
    `database: ${manifestCounts.messages.toLocaleString('en')} messages, ${manifestCounts.rooms.toLocaleString('en')} rooms, ${manifestCounts.users.toLocaleString('en')} accounts`,
  );

  const storage = config.STORAGE ?? (config.S3_BUCKET ? 's3' : 'disk');
  let blobs = { copied: 0, missing: [] as string[] };
  if (storage === 'disk') blobs = await copyBlobs(keys, dataDir, out);
  else say(`attachments are on S3 (bucket ${config.S3_BUCKET}): not copied; keep them with the bucket's versioning or a replica`);
  if (existsSync(join(dataDir, SECRETS_FILE))) copyFileSync(join(dataDir, SECRETS_FILE), join(out, SECRETS_FILE));

  const manifest: Manifest = {
    format: 'rooms-backup-1',
    created_at: new Date().toISOString(),
    database: { file: DB_FILE, sha256: await sha256(dbCopy), bytes: statSync(dbCopy).size, migrations },
    counts: manifestCounts,
    attachments: { storage, files: blobs.copied, missing: blobs.missing },
  };
  writeFileSync(join(out, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`, { mode: 0o600 });
  if (blobs.missing.length) say(`${blobs.missing.length} attachment file(s) were deleted while the backup ran: listed in manifest.json`);
  say(`backup done in ${((Date.now() - started) / 1000).toFixed(1)} s: ${blobs.copied} attachment file(s)`);
}

/**
 * What an SQLite database of Rooms fails, empty when it is sound: SQLite's integrity and
 * foreign-key checks and, given the DATA_DIR of its files, every attachment file but those known
 * to be gone (deleted while the backup ran).
 */
export async function checkDatabase(file: string, blobDataDir?: string, knownMissing: string[] = []): Promise<string[]> {
  const problems: string[] = [];
  const db = new Database(file, { readonly: true, fileMustExist: true });
  let keys: string[];
  try {
    const integrity = (db.pragma('integrity_check') as { integrity_check: string }[]).map((r) => r.integrity_check);
    if (integrity.join() !== 'ok') problems.push(`integrity_check: ${integrity.slice(0, 5).join('; ')}`);
    const fk = db.pragma('foreign_key_check') as { table: string; parent: string }[];
    if (fk.length) problems.push(`${fk.length} row(s) refer to missing rows (first: ${fk[0]!.table} → ${fk[0]!.parent})`);
    keys = blobKeys(db);
  } finally {
    db.close();
  }
  if (blobDataDir) {
    const blobs = await DiskBlobStore.open(blobDataDir);
    try {
      const gone = new Set(knownMissing);
      const missing: string[] = [];
      for (const k of keys) if (!gone.has(k) && !(await blobs.stat(k))) missing.push(k);
      if (missing.length) problems.push(`${missing.length} attachment file(s) missing (first: ${missing[0]})`);
    } finally {
      await blobs.close();
    }
  }
  return problems;
}

/** `rooms restore PATH`. */
export async function restoreCommand(args: string[]): Promise<void> {
  if (args.includes('--help') || args.includes('-h')) return say(RESTORE_HELP);
  const from = args[0] && resolve(args[0]);
  if (!from || args.length > 1) throw new CliError(`rooms restore takes one folder.\n\n${RESTORE_HELP}`);
  const config = loadConfig();
  if (config.DATABASE_URL) throw new CliError('This server uses PostgreSQL (DATABASE_URL): restore with pg_restore (README: Backups).');
  let manifest: Manifest;
  try {
    manifest = JSON.parse(readFileSync(join(from, 'manifest.json'), 'utf8')) as Manifest;
  } catch {
    throw new CliError(`${from} is not a backup written by rooms backup (no readable manifest.json).`);
  }
  if (manifest.format !== 'rooms-backup-1') throw new CliError(`${from}: unknown backup format ${String(manifest.format)}.`);
  const copy = join(from, manifest.database.file);
  if ((await sha256(copy)) !== manifest.database.sha256)
    throw new CliError(`${copy} does not match the SHA-256 in its manifest: the backup is damaged.`);
  const unknown = manifest.database.migrations.filter((m) => !MIGRATION_NAMES.includes(m));
  if (unknown.length)
    throw new CliError(`The backup comes from a newer Rooms (migrations ${unknown.join(', ')}): restore it with that version.`);
  const before = await checkDatabase(copy);
  if (before.length) throw new CliError(`The backup's database fails its checks:\n  ${before.join('\n  ')}`);

  const dataDir = resolve(config.DATA_DIR);
  const target = join(dataDir, DB_FILE);
  if (existsSync(target))
    throw new CliError(
      `${target} exists: restore into a DATA_DIR without a database (move the old one aside, with its -wal and -shm files).`,
    );
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  copyFileSync(copy, target);
  const keys = (() => {
    const db = new Database(copy, { readonly: true });
    try {
      return blobKeys(db);
    } finally {
      db.close();
    }
  })();
  const blobs = manifest.attachments.storage === 'disk' ? await copyBlobs(keys, from, dataDir) : { copied: 0, missing: [] };
  if (existsSync(join(from, SECRETS_FILE)) && !existsSync(join(dataDir, SECRETS_FILE)))
    copyFileSync(join(from, SECRETS_FILE), join(dataDir, SECRETS_FILE));
  // The schema of this version (a no-op when the backup is from it).
  const store = await openStore({ dataDir, onMigration: (name) => say(`migrating ${name}`) });
  await store.close();
  const after = await checkDatabase(target, manifest.attachments.storage === 'disk' ? dataDir : undefined, manifest.attachments.missing);
  const c = manifest.counts;
  say(
    `restored ${c.messages.toLocaleString('en')} messages, ${c.rooms.toLocaleString('en')} rooms, ${c.users.toLocaleString('en')} accounts and ${blobs.copied} attachment file(s) into ${dataDir}`,
  );
  if (after.length) throw new CliError(`Restored, but the result fails its checks:\n  ${after.join('\n  ')}`);
  if (manifest.attachments.missing.length)
    say(
      `${manifest.attachments.missing.length} attachment file(s) were deleted while the backup ran (manifest.json): those attachments show as missing`,
    );
  say('checks passed: integrity, foreign keys, attachment files');
}
