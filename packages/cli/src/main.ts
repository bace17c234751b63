import { HELP, serverHelp } from './help.ts';

/** `rooms <command>`: each command loads only what it needs (chat never loads the server). */
async function main(argv: string[]): Promise<void> {
  const [command, ...args] = argv;
  if (command === undefined || command === '--help' || command === '-h') return void process.stdout.write(`${HELP}\n`);
  if (command === 'help') return printHelp(args[0]);
  if (command === 'chat') {
    const { chatCommand } = await import('./chat/chat.ts');
    process.exitCode = await chatCommand(args);
    return;
  }
  if (command !== 'serve' && command !== 'migrate' && command !== 'admin' && command !== 'search-index') {
    process.stderr.write(`Unknown command "${command}".\n\n${HELP}\n`);
    process.exitCode = 1;
    return;
  }
  if (command === 'serve') {
    const { serveCommand } = await import('./serve.ts');
    return serveCommand(args);
  }
  const ops = await import('@rooms/server/cli');
  if (command === 'migrate') return ops.runCommand(() => ops.migrateCommand(args));
  if (command === 'search-index') return ops.runCommand(() => ops.searchIndexCommand(args));
  const { adminIo } = await import('./admin-io.ts');
  ops.runCommand(() => ops.adminCommand(args, adminIo()));
}

async function printHelp(command: string | undefined): Promise<void> {
  if (command === 'chat') {
    const { CHAT_HELP } = await import('./chat/help.ts');
    return void process.stdout.write(`${CHAT_HELP}\n`);
  }
  process.stdout.write(`${command === undefined ? HELP : await serverHelp(command)}\n`);
}

main(process.argv.slice(2)).catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
