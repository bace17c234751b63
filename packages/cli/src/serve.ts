import { parseArgs } from 'node:util';
import { SERVE_HELP } from './help.ts';

const FLAGS = { port: 'PORT', host: 'HOST', 'data-dir': 'DATA_DIR', 'database-url': 'DATABASE_URL', 'redis-url': 'REDIS_URL' } as const;

/** `rooms serve`: the server, with flags for the settings people change most. */
export async function serveCommand(args: string[]): Promise<void> {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        help: { type: 'boolean', short: 'h' },
        ...Object.fromEntries(Object.keys(FLAGS).map((f) => [f, { type: 'string' as const }])),
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n\n${SERVE_HELP}\n`);
    process.exitCode = 1;
    return;
  }
  if (values.help) return void process.stdout.write(`${SERVE_HELP}\n`);
  const overrides = Object.fromEntries(
    Object.entries(FLAGS).flatMap(([flag, key]) => (values[flag] === undefined ? [] : [[key, values[flag]]])),
  );
  // As npm start's prestart: rebuild the web app first if its sources changed since the last build.
  const web = await import('../../../scripts/web-build.ts');
  if (web.servesThisBuild()) {
    try {
      web.ensureWebBuild();
    } catch (err) {
      process.stderr.write(`${(err as Error).message}. Fix the web app's build, or start with WEB_UI=false to serve the API only.\n`);
      process.exitCode = 1;
      return;
    }
  }
  const { serve, startFailed } = await import('@rooms/server/serve');
  await serve(overrides).catch(startFailed);
}
