#!/usr/bin/env node
// The `rooms` command. Its sources are TypeScript, run by Node 24's type stripping: through npm
// (npx rooms, npm exec rooms, npm run …) the project's pinned Node 24 is used whatever the machine has.
const major = Number(process.versions.node.split('.')[0]);
if (major < 24) {
  process.stderr.write(
    `rooms needs Node.js 24 (this is ${process.version}). Run it through npm — npx rooms … — which uses the project's pinned Node 24.\n`,
  );
  process.exit(1);
}
await import('../src/main.ts');
