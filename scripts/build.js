/**
 * The build: esbuild turns the TypeScript of src/, rewards/ and schemas/ into plain JavaScript in
 * dist/, one self-contained file per process entry (server, pool worker, CLI, sandbox), all in one
 * folder, so paths relative to a module's own URL (./worker.js, ./python/) hold from every file. A
 * dynamically imported module still runs only when imported, but an import of a package left in
 * node_modules runs when the file loads: a package only some code paths need is bundled (BUNDLED) or
 * required where it is used (isolated-vm). No code splitting: an ES module chunk runs whole, and
 * shared chunks made each worker run mathjs code it never uses (docs/deploy.md).
 *
 * `npm ci` runs it (prepare). With `--if-stale` it builds only when a source is newer than the last
 * build (npm start, the test suite, bin/verdict.js). Types are checked by `tsc --noEmit` (npm test),
 * not here. Plain JavaScript: it runs before anything is built.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = path.join(root, 'dist');
/** Its mtime is when the last successful build started. */
const stamp = path.join(dist, '.built');
const SOURCES = ['src', 'rewards', 'schemas', 'scripts/build.js', 'package.json', 'tsconfig.json'];
const ENTRIES = { server: 'src/server.ts', worker: 'src/pool/worker.ts', cli: 'src/cli/main.ts', sandbox: 'src/sandbox/index.ts' };
// Bundled, not left in node_modules: mathjs, whose ES module build is some 1,300 files; sucrase, which
// only the sandbox uses (bundled, it loads with the sandbox's code, not when any process starts).
const BUNDLED = ['mathjs', 'sucrase'];
// Read at run time relative to the module: the Python fork server, the JavaScript sandbox's guest code.
const ASSETS = [
  ['src/sandbox/python', 'python'],
  ['src/sandbox/guest-harness.js', 'guest-harness.js'],
];

/** True when some file under `entry` changed after `since` (ms). */
function changedSince(entry, since) {
  const stat = fs.statSync(entry);
  if (!stat.isDirectory()) return stat.mtimeMs > since;
  return fs.readdirSync(entry).some((name) => changedSince(path.join(entry, name), since));
}

export function isStale() {
  if (!fs.existsSync(stamp)) return true;
  const built = fs.statSync(stamp).mtimeMs;
  return SOURCES.some((source) => changedSince(path.join(root, source), built));
}

export async function build() {
  const started = new Date();
  let esbuild;
  try {
    esbuild = await import('esbuild');
  } catch {
    throw new Error('the build needs esbuild, a dev dependency: run `npm ci` without --omit=dev, build, then prune');
  }
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  const dependencies = Object.keys({ ...pkg.dependencies, ...pkg.optionalDependencies, ...pkg.devDependencies });
  fs.rmSync(dist, { recursive: true, force: true });
  await esbuild.build({
    absWorkingDir: root,
    entryPoints: ENTRIES,
    outdir: dist,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node24', // package.json's engines
    external: dependencies.filter((name) => !BUNDLED.includes(name)),
    // Bundled CommonJS (mathjs's own dependencies) may call require: give ES modules one.
    banner: { js: "import { createRequire as __verdictCreateRequire } from 'node:module';\nconst require = __verdictCreateRequire(import.meta.url);" },
    sourcemap: 'linked',
    logLevel: 'warning',
  });
  for (const [from, to] of ASSETS) fs.cpSync(path.join(root, from), path.join(dist, to), { recursive: true });
  fs.writeFileSync(stamp, '');
  fs.utimesSync(stamp, started, started); // a source saved during the build makes the next check rebuild
}

/** Builds when dist/ is missing or older than a source; says so on stderr. */
export async function ensureBuilt() {
  if (!isStale()) return;
  process.stderr.write('verdict: dist/ is missing or older than the sources: building (npm run build)\n');
  await build();
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    if (process.argv.includes('--if-stale')) await ensureBuilt();
    else await build();
  } catch (error) {
    process.stderr.write(`verdict: ${error.message}\n`);
    process.exit(1);
  }
}
