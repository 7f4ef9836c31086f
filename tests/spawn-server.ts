/** Starts the real server (`npm start`'s command) as a child process on a free loopback port, for tests that kill it. */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import net from 'node:net';

export interface SpawnedServer {
  child: ChildProcess;
  url: string;
  /** Everything it wrote to stdout and stderr so far (a property: tests take it out of the object). */
  output: () => string;
}

export async function freePort(): Promise<number> {
  const server = net.createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as net.AddressInfo;
  server.close();
  return port;
}

/** `npm start`'s arguments to node (package.json's `node <flags> <entry>`), so tests and benchmarks run the server as deployed. */
export function startArgs(root = '.'): string[] {
  const { scripts } = JSON.parse(fs.readFileSync(`${root}/package.json`, 'utf8')) as { scripts: Record<string, string> };
  const [command, ...args] = scripts.start.trim().split(/\s+/);
  if (command !== 'node') throw new Error(`npm start runs "${scripts.start}", not node`);
  return args;
}

/** Resolves once /readyz answers 200 (the pools are up); `env` replaces process.env entirely. */
export async function spawnServer(env: Record<string, string | undefined>): Promise<SpawnedServer> {
  const port = await freePort();
  const child = spawn(process.execPath, startArgs(), { env: { ...env, PORT: String(port) }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const url = `http://127.0.0.1:${port}`;
  const giveUp = Date.now() + 240_000; // start-up forks the pools and their standbys: slow on a loaded 2-core machine
  while (Date.now() < giveUp && child.exitCode === null) {
    try {
      if ((await fetch(`${url}/readyz`)).ok) return { child, url, output: () => output };
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  child.kill('SIGKILL');
  throw new Error(`server did not start: ${output}`);
}
