import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { childEnv, ROOT } from './processes.ts';

/** An S3-compatible server the suites can use, with its credentials. */
export interface TestS3 {
  url: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** Stops the server when the tests started it. */
  stop(): Promise<void>;
}

/**
 * The server at TEST_S3_URL (credentials from TEST_S3_ACCESS_KEY_ID / TEST_S3_SECRET_ACCESS_KEY),
 * or else a fresh s3rver (a dev dependency, so always there) in a child process on 127.0.0.1. Never
 * a skip: when neither can be had the suite fails, in CI and elsewhere.
 */
export async function testS3(): Promise<TestS3> {
  const url = process.env.TEST_S3_URL;
  if (url) {
    return {
      url,
      accessKeyId: process.env.TEST_S3_ACCESS_KEY_ID ?? 'S3RVER',
      secretAccessKey: process.env.TEST_S3_SECRET_ACCESS_KEY ?? 'S3RVER',
      stop: async () => {},
    };
  }
  const child = spawn(process.execPath, ['packages/server/test/helpers/s3-server.ts'], {
    cwd: ROOT,
    env: childEnv({}),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  const first = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the test S3 server did not start within 20 s: ${stderr}`)), 20_000);
    createInterface({ input: child.stdout! }).once('line', (line) => {
      clearTimeout(timer);
      resolve(line);
    });
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`the test S3 server exited: ${stderr}`));
    });
  });
  const info = JSON.parse(first) as { url: string; accessKeyId: string; secretAccessKey: string };
  return {
    ...info,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
