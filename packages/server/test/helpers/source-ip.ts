/* eslint-disable @typescript-eslint/no-explicit-any -- answers are untyped JSON on purpose, as in server.ts's client. */
import { request } from 'node:http';
import type { Answer } from './server.ts';

/**
 * A JSON request from another source address of the loopback network (127.0.0.0/8): how a test
 * looks like a second client IP to the server (fetch cannot choose its source address).
 */
export function requestFrom<T = any>(
  localAddress: string,
  base: string,
  method: string,
  path: string,
  body?: unknown,
  token?: string,
): Promise<Answer<T>> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (token) headers.authorization = `Bearer ${token}`;
    const req = request(`${base}${path}`, { method, localAddress, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let parsed: unknown = text;
        try {
          parsed = text ? JSON.parse(text) : undefined;
        } catch {
          /* not JSON: keep the text */
        }
        const h = new Headers();
        for (const [k, v] of Object.entries(res.headers)) if (typeof v === 'string') h.set(k, v);
        resolve({ status: res.statusCode ?? 0, body: parsed as T, headers: h });
      });
    });
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}
