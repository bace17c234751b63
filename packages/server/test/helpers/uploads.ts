/* eslint-disable @typescript-eslint/no-explicit-any -- answers are untyped JSON on purpose: tests assert on their shape. */
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Answer } from './server.ts';

/** Uploads bytes as a browser would (multipart/form-data, one part named `file`, by default). */
export async function upload(
  base: string,
  token: string | undefined,
  filename: string,
  data: Buffer | Uint8Array,
  opts: { field?: string; type?: string } = {},
): Promise<Answer> {
  const form = new FormData();
  form.append(opts.field ?? 'file', new Blob([new Uint8Array(data)], { type: opts.type ?? 'application/octet-stream' }), filename);
  const res = await fetch(`${base}/attachments/upload`, {
    method: 'POST',
    body: form,
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  const text = await res.text();
  let body: any = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    /* not JSON */
  }
  return { status: res.status, body, headers: res.headers };
}

/** A GET that keeps the bytes (downloads). */
export async function download(
  base: string,
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Headers; bytes: Buffer; json: any }> {
  const res = await fetch(base + path, { headers });
  const bytes = Buffer.from(await res.arrayBuffer());
  let json: any;
  if (res.headers.get('content-type')?.includes('application/json')) json = JSON.parse(bytes.toString('utf8'));
  return { status: res.status, headers: res.headers, bytes, json };
}

/** Every file under DATA_DIR but the database and the secrets: what uploads may have left behind (blobs, temp files). */
export function storedFiles(dataDir: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (!/^rooms\.sqlite|^secrets\.json$/.test(e.name)) out.push(relative(dataDir, p));
    }
  };
  walk(dataDir);
  return out.sort();
}
