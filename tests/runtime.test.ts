/**
 * The runtime, as deployed: the server `npm start` runs is on the Node that
 * package.json's engines names and says so; it and its pool workers run the
 * build (dist/), no TypeScript loader; isolated-vm loads in the sandbox worker
 * only; and what installs that Node agrees with engines and the README.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnServer, startArgs, type SpawnedServer } from './spawn-server.ts';

const pkg = JSON.parse(fs.readFileSync('package.json', 'utf8')) as {
  engines: { node: string };
  optionalDependencies: Record<string, string>;
};
const major = Number(/^>=(\d+)/.exec(pkg.engines.node)?.[1]);

const cmdline = (pid: number) => fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
const loaded = (pid: number, file: RegExp) =>
  fs
    .readFileSync(`/proc/${pid}/maps`, 'utf8')
    .split('\n')
    .some((l) => file.test(l));

/** Live child processes of `pid`, from /proc. */
function childrenOf(pid: number): number[] {
  return fs
    .readdirSync('/proc')
    .filter((e) => /^\d+$/.test(e))
    .filter((e) => {
      try {
        const stat = fs.readFileSync(`/proc/${e}/stat`, 'utf8');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid;
      } catch {
        return false; // gone in between
      }
    })
    .map(Number);
}

describe('the server npm start runs', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'verdict-runtime-'));
  let server: SpawnedServer;
  beforeAll(async () => {
    server = await spawnServer({ PATH: process.env.PATH, DATA_DIR: dataDir, LOG_LEVEL: 'info', SANDBOX_PYTHON: 'off', POOL_SIZE: '1', SANDBOX_POOL_SIZE: '1' });
  });
  afterAll(() => {
    server?.child.kill('SIGKILL');
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('reports the Node it runs on in /readyz and in its start-up log, the major engines names', async () => {
    expect(major).toBeGreaterThanOrEqual(24);
    const body = (await (await fetch(`${server.url}/readyz`)).json()) as { status: string; node: string };
    expect(body.status).toBe('ready');
    expect(body.node).toBe(process.version); // the test runner's Node, the one npm scripts put first on PATH
    expect(body.node.startsWith(`v${major}.`)).toBe(true);
    const start = server
      .output()
      .split('\n')
      .find((l) => l.includes('"msg":"starting"'));
    expect(JSON.parse(start!).node).toBe(body.node);
  });

  it("runs the build with npm start's flags, and its workers run the build too, with no TypeScript loader", () => {
    const pid = server.child.pid!;
    expect(cmdline(pid)).toEqual([process.execPath, ...startArgs()]);
    expect(startArgs()).toEqual(['--max-semi-space-size=64', 'dist/server.js']);
    const workers = childrenOf(pid).map(cmdline);
    expect(workers).toHaveLength(4); // per pool, POOL_SIZE / SANDBOX_POOL_SIZE 1 + WORKER_STANDBY 1
    for (const argv of workers) {
      expect(argv[0]).toBe(process.execPath);
      expect(argv.some((a) => a.endsWith(`${path.sep}dist${path.sep}worker.js`))).toBe(true);
      expect(argv.join(' ')).not.toMatch(/--import|--loader|tsx|\.ts\b/);
    }
    const sandbox = workers.filter((argv) => argv.some((a) => a.includes('"kind":"sandbox"')));
    expect(sandbox).toHaveLength(2);
    for (const argv of sandbox) expect(argv).toContain('--no-node-snapshot'); // isolated-vm needs it
  });

  it('loads isolated-vm in the sandbox worker only, never in the HTTP process or a scoring worker', () => {
    const pid = server.child.pid!;
    const isolatedVm = /isolated-vm.*\.node$/;
    const byKind = Object.fromEntries(childrenOf(pid).map((w) => [cmdline(w).some((a) => a.includes('"kind":"sandbox"')) ? 'sandbox' : 'score', w]));
    expect(loaded(byKind.sandbox, isolatedVm)).toBe(true);
    expect(loaded(byKind.score, isolatedVm)).toBe(false);
    expect(loaded(pid, isolatedVm)).toBe(false);
  });
});

describe('what installs the runtime', () => {
  it('pins a Node binary package of the major engines names, and .npmrc builds addons against its headers', () => {
    const [name, version] = Object.entries(pkg.optionalDependencies).find(([n]) => /^node-linux-/.test(n))!;
    expect(Number(version.split('.')[0])).toBe(major);
    expect(fs.readFileSync('.npmrc', 'utf8')).toMatch(new RegExp(`^nodedir=\\.\\./${name}$`, 'm'));
  });

  it("states the supported Node in the README's first screen", () => {
    const firstScreen = fs.readFileSync('README.md', 'utf8').split('\n').slice(0, 40).join('\n');
    expect(firstScreen).toContain(`Node.js ${major} LTS`);
  });
});
