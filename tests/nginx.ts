/** Debian's nginx running docker/nginx.conf itself on loopback (upstreams, port, temp paths and logs rewritten). */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import { freePort } from './spawn-server.ts';
import { tempDir } from './storage-backends.ts';

export const NGINX = '/usr/sbin/nginx';
export const nginxMissing = fs.existsSync(NGINX) ? '' : `${NGINX} is absent (apt-get install nginx)`;

export interface Nginx {
  url: string;
  port: number;
  /** What nginx wrote to its access log so far (in docker/nginx.conf's own format). */
  accessLog(): string;
  stop(): Promise<void>;
}

export async function startNginx(upstreams: string[]): Promise<Nginx> {
  const dir = tempDir('verdict-nginx-');
  fs.chmodSync(dir, 0o777); // workers run as nobody and keep request bodies in temp dirs here
  const port = await freePort();
  const conf = fs
    .readFileSync('docker/nginx.conf', 'utf8')
    .replace(/^(\s*)server verdict:8080(.*);$/m, (_m, indent: string, rest: string) => upstreams.map((u) => `${indent}server ${u}${rest};`).join('\n'))
    .replace(/^(\s*)listen 8080;$/m, `$1listen 127.0.0.1:${port};`)
    .replace(/^http \{$/m, `http {\n${['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `  ${t}_temp_path ${dir}/${t};`).join('\n')}`)
    .replace(/^(\s*access_log) \/dev\/stdout/m, `$1 ${dir}/access.log`) // a pipe cannot be opened as /dev/stdout
    .replace(/^error_log .*$/m, `error_log ${dir}/error.log warn;`);
  expect(conf).toContain(`server ${upstreams[0]} max_fails=1`);
  expect(conf).toContain(`${dir}/access.log`);
  fs.writeFileSync(path.join(dir, 'nginx.conf'), conf);
  const child: ChildProcess = spawn(NGINX, ['-p', dir, '-c', path.join(dir, 'nginx.conf'), '-g', `daemon off; pid ${dir}/nginx.pid;`], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  const url = `http://127.0.0.1:${port}`;
  const read = (file: string) => (fs.existsSync(`${dir}/${file}`) ? fs.readFileSync(`${dir}/${file}`, 'utf8') : '');
  for (let i = 0; i < 100 && child.exitCode === null; i++) {
    if (
      await fetch(`${url}/healthz`).then(
        (r) => r.ok,
        () => false,
      )
    ) {
      return {
        url,
        port,
        accessLog: () => read('access.log'),
        async stop() {
          child.kill('SIGQUIT');
          await new Promise((r) => child.once('exit', r));
          fs.rmSync(dir, { recursive: true, force: true });
        },
      };
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`nginx did not start: ${stderr}${read('error.log')}`);
}
