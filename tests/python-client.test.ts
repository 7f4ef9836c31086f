/** Runs the Python client's unittest suite (clients/python) against the real server on a free loopback port. */
import { execFile } from 'node:child_process';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startServer } from '../bench/lib.ts';

let server: { app: FastifyInstance; url: string };
beforeAll(async () => {
  server = await startServer({ logLevel: 'silent' });
});
afterAll(() => server?.app.close());

it('python3 -m unittest passes against a live Verdict', async () => {
  // Asynchronous on purpose: this process also serves the requests the Python tests make.
  const { code, output } = await new Promise<{ code: number | null; output: string }>((resolve) => {
    const child = execFile(
      'python3',
      ['-m', 'unittest', 'discover', '-s', 'clients/python', '-v'],
      { env: { ...process.env, VERDICT_URL: server.url, PYTHONDONTWRITEBYTECODE: '1' }, timeout: 120_000 },
      (error) => resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, output }),
    );
    let output = '';
    child.stdout!.on('data', (d) => (output += d));
    child.stderr!.on('data', (d) => (output += d));
  });
  expect(output).toMatch(/^Ran \d+ tests/m);
  expect(output).not.toMatch(/skipped/);
  expect(code, output).toBe(0);
}, 150_000);
