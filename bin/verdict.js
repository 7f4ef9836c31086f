#!/usr/bin/env node
// The `verdict` command: runs the CLI as built into dist/ (plain JavaScript, no compiler at run time),
// building it first only where the sources changed since the last build, in a checkout. The Node
// check comes before anything else loads, as src/require-node.ts does for the server.
const MIN_NODE_MAJOR = 24; // package.json's engines

if (Number(process.versions.node.split('.')[0]) < MIN_NODE_MAJOR) {
  process.stderr.write(`verdict: needs Node ${MIN_NODE_MAJOR} (this is ${process.version}); \`npm ci\` installs it, \`npx verdict\` uses it\n`);
  process.exit(1);
}
const { ensureBuilt } = await import('../scripts/build.js');
try {
  await ensureBuilt();
} catch (error) {
  process.stderr.write(`verdict: ${error.message}\n`);
  process.exit(1);
}
await import('../dist/cli.js');
