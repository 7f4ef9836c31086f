/**
 * Cancellation over a real socket: a client that goes away (a plain request or
 * an NDJSON stream) takes its queued cells out of the pool at once, while the
 * worker is still busy with another request's cells.
 */
import http from 'node:http';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, createGate, score } from './helpers.ts';

let app: FastifyInstance;
let port: number;
beforeAll(async () => {
  // One worker, no standby busy beside it, no cache: every cell really waits in the queue.
  app = await buildTestApp({ poolSize: 1, workerStandby: 0, cacheSize: 0 });
  await app.listen({ host: '127.0.0.1', port: 0 });
  port = (app.server.address() as { port: number }).port;
});
afterAll(() => app.close());

const sleepBatch = (cells: number, ms: number, tag: string) => ({
  rewards: [{ id: 'test-sleep', params: { ms } }],
  groups: [{ completions: Array.from({ length: cells }, (_, i) => `${tag} ${i}`) }],
});
const stats = () => app.verdict.pools.score.stats();

/** Sends a request over a real socket and returns it, unanswered; `destroy()` is a client going away. */
function send(body: unknown, headers: Record<string, string> = {}, path = '/v1/score'): http.ClientRequest {
  const payload = JSON.stringify(body);
  const request = http.request({ host: '127.0.0.1', port, method: 'POST', path, headers: { 'content-type': 'application/json', ...headers } });
  request.on('error', () => undefined); // the destroyed socket
  request.end(payload);
  return request;
}

describe.each([
  ['a JSON request', {}],
  ['an NDJSON stream', { accept: 'application/x-ndjson' }],
])('a client that disconnects (%s)', (_name, headers) => {
  it('releases its queued cells at once, while the worker still runs the cells before them', async () => {
    const gate = createGate(); // the busy cell runs until the abandoned request's cells are released
    let busyDone = false;
    const busy = score(app, { ...sleepBatch(1, 1, `busy ${_name}`), rewards: [{ id: 'test-sleep', params: { gate: gate.path } }] }).then(
      (r) => ((busyDone = true), r),
    );
    await expect.poll(() => stats().busy, { timeout: 30_000 }).toBe(1);

    const abandoned = send(sleepBatch(200, 50, `gone ${_name}`), headers);
    await expect.poll(() => stats().queued, { timeout: 30_000 }).toBeGreaterThanOrEqual(150);
    abandoned.destroy();
    await expect.poll(() => stats().queued, { timeout: 30_000 }).toBe(0);
    expect(busyDone).toBe(false); // released while the worker still runs the busy cell

    gate.open();
    expect((await busy).status).toBe(200);
    gate.remove();
    const after = await score(app, sleepBatch(2, 1, `after ${_name}`));
    expect(after.body.rules['test-sleep']).toMatchObject({ scored: 2, failed: 0 });
  });
});

// OpenRLHF's remote reward call gives up after its own timeout and retries: the abandoned call's cells go too.
it('releases the queued cells of an abandoned /v1/openrlhf call at once', async () => {
  let busyDone = false;
  const busy = score(app, sleepBatch(1, 1500, 'busy openrlhf')).then((r) => ((busyDone = true), r));
  await expect.poll(() => stats().busy, { timeout: 30_000 }).toBe(1);

  const query = Array.from({ length: 200 }, (_, i) => `gone openrlhf ${i}`);
  const abandoned = send({ query }, {}, '/v1/openrlhf?rewards=test-sleep');
  await expect.poll(() => stats().queued, { timeout: 30_000 }).toBeGreaterThanOrEqual(150);
  abandoned.destroy();
  await expect.poll(() => stats().queued, { timeout: 30_000 }).toBe(0);
  expect(busyDone).toBe(false);
  expect((await busy).status).toBe(200);
});

// Every scoring route is cancelled the same way (request-scope.ts): regression, /try and /v1/graders/run
// kept scoring for a client long gone.
const exact = { type: 'string_check', name: 'exact', input: '{{sample.output_text}}', reference: '{{item.answer}}', operation: 'eq' };
it.each([
  [
    '/v1/rewards/{id}/try',
    '/v1/rewards/test-sleep/try',
    { samples: Array.from({ length: 20 }, (_, i) => ({ completion: `gone try ${i}` })), params: { ms: 50 } },
  ],
  [
    '/v1/graders/run',
    '/v1/graders/run',
    {
      grader: { type: 'multi', name: 'm', graders: { a: exact, b: { ...exact, name: 'b' } }, calculate_output: 'a + b' },
      model_sample: 'x',
      item: { answer: 'x' },
    },
  ],
])('releases the queued cells of an abandoned %s call at once', async (_name, path, body) => {
  const gate = createGate();
  let busyDone = false;
  const busy = score(app, { ...sleepBatch(1, 1, `busy ${path}`), rewards: [{ id: 'test-sleep', params: { gate: gate.path } }] }).then(
    (r) => ((busyDone = true), r),
  );
  await expect.poll(() => stats().busy, { timeout: 30_000 }).toBe(1);

  const abandoned = send(body, {}, path);
  await expect.poll(() => stats().queued, { timeout: 30_000 }).toBeGreaterThan(0);
  abandoned.destroy();
  await expect.poll(() => stats().queued, { timeout: 30_000 }).toBe(0);
  expect(busyDone).toBe(false); // released while the worker still runs the busy cell

  gate.open();
  expect((await busy).status).toBe(200);
  gate.remove();
});
