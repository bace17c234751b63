// npm pack / npm publish of a workspace package built to dist/ (@rooms/protocol, @rooms/client).
// In the repository a package's `exports` point at its TypeScript sources, so the monorepo runs
// from source with no build step (Node 24 strips the types; Vite and tsc read them). Node does not
// strip types under node_modules, so what a consumer installs must point at dist/: prepack swaps
// in `publishConfig.exports` (npm does not apply publishConfig to exports itself), postpack puts the
// repository's manifest back. Plain JavaScript: it runs under whatever Node runs npm.
import { copyFileSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';

const [action] = process.argv.slice(2);
const manifest = 'package.json';
const saved = '.package.repo.json';

if (action === 'use-dist') {
  if (!existsSync(saved)) copyFileSync(manifest, saved);
  const pkg = JSON.parse(readFileSync(saved, 'utf8'));
  if (!pkg.publishConfig?.exports) throw new Error(`${pkg.name}: no publishConfig.exports to publish with`);
  const { exports, ...publishConfig } = pkg.publishConfig;
  const out = { ...pkg, exports, publishConfig };
  if (Object.keys(publishConfig).length === 0) delete out.publishConfig;
  delete out.scripts?.prepack;
  delete out.scripts?.postpack;
  writeFileSync(manifest, `${JSON.stringify(out, null, 2)}\n`);
} else if (action === 'restore') {
  if (existsSync(saved)) renameSync(saved, manifest);
} else {
  throw new Error('usage: pack-manifest.mjs use-dist | restore');
}
