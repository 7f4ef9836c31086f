/**
 * Imported first by src/server.ts (bin/verdict.js checks the same): on an older Node, say which one
 * is needed and stop before anything is built; the native addons, built for Node 24, load on first use.
 */
const MIN_NODE_MAJOR = 24; // package.json's engines

if (Number(process.versions.node.split('.')[0]) < MIN_NODE_MAJOR) {
  process.stderr.write(
    `verdict: needs Node ${MIN_NODE_MAJOR} (this is ${process.version}); \`npm ci\` installs it, \`npm start\` and \`npx verdict\` use it\n`,
  );
  process.exit(1);
}
