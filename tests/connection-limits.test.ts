/**
 * Every phase of a connection has a deadline (REQUEST_TIMEOUT_MS,
 * HEADERS_TIMEOUT_MS, KEEP_ALIVE_TIMEOUT_MS, CONNECTION_TIMEOUT_MS), and what
 * Node's HTTP parser refuses (408, 431, malformed bytes) is answered in the
 * error catalog's body. On a real socket, with the deadlines shortened.
 * Regression: a body sent slowly kept its connection open 390 s.
 */
import net from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp } from './helpers.ts';
import { rawRequest } from './raw-http.ts';

let app: FastifyInstance;
let port: number;
beforeAll(async () => {
  app = await buildTestApp({
    poolSize: 1,
    sandboxPoolSize: 1,
    sandbox: { python: false },
    requestTimeoutMs: 1_500,
    headersTimeoutMs: 1_000,
    keepAliveTimeoutMs: 500,
    connectionTimeoutMs: 4_000,
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  port = (app.server.address() as net.AddressInfo).port;
});
afterAll(() => app?.close());

interface Dribble {
  /** Everything the server sent before closing. */
  received: string;
  /** How many pieces were written before the server closed the connection. */
  written: number;
}

/** Opens a connection, writes `first`, then one more piece every `everyMs` until the server closes it (or `max` pieces). */
function dribble(first: string, piece: string, everyMs: number, max = 200): Promise<Dribble> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let received = '';
    let written = 0;
    let timer: NodeJS.Timeout | undefined;
    const finish = () => {
      clearInterval(timer);
      resolve({ received, written });
    };
    socket.on('data', (d) => (received += d.toString('latin1')));
    socket.on('close', finish);
    socket.on('error', () => undefined); // a reset after the answer still closes
    socket.write(first);
    timer = setInterval(() => {
      if (written >= max) {
        socket.destroy();
        reject(new Error(`still open after ${max} pieces`));
        return;
      }
      if (!socket.destroyed) socket.write(piece, () => undefined);
      written++;
    }, everyMs);
  });
}

const bodyOf = (raw: string) => JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4));

describe('connection deadlines', () => {
  it("sets each deadline on Node's server", () => {
    expect(app.server).toMatchObject({ requestTimeout: 1_500, headersTimeout: 1_000, keepAliveTimeout: 500, timeout: 4_000 });
  });

  it('closes a connection whose body trickles in past REQUEST_TIMEOUT_MS, with 408 in the catalog body', async () => {
    const head = `POST /v1/score HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"groups":[`;
    const { received, written } = await dribble(head, ' ', 100);
    expect(received).toMatch(/^HTTP\/1\.1 408 /);
    expect(bodyOf(received)).toEqual({
      statusCode: 408,
      code: 'VERDICT_REQUEST_TIMEOUT',
      error: 'Request Timeout',
      message: expect.stringContaining('REQUEST_TIMEOUT_MS'),
    });
    expect(written).toBeLessThan(200); // closed by the server, not by the test
  });

  it('closes a connection whose headers trickle in past HEADERS_TIMEOUT_MS (slowloris)', async () => {
    let n = 0;
    const { received } = await dribble('GET /healthz HTTP/1.1\r\nHost: x\r\n', `X-Pad-${n++}: a\r\n`, 100);
    expect(received).toMatch(/^HTTP\/1\.1 408 /);
    expect(bodyOf(received).code).toBe('VERDICT_REQUEST_TIMEOUT');
  });

  it('closes a connection that never sends a byte', async () => {
    const { received } = await dribble('', '', 100);
    expect(received === '' || /^HTTP\/1\.1 408 /.test(received)).toBe(true);
  });

  it('closes an idle keep-alive connection after KEEP_ALIVE_TIMEOUT_MS', async () => {
    const { received } = await dribble('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n', '', 100);
    expect(received).toMatch(/^HTTP\/1\.1 200 /);
    expect(received.match(/HTTP\/1\.1/g)).toHaveLength(1);
  });

  it('lets a request whose body arrived in time run past REQUEST_TIMEOUT_MS (the deadline is for receiving, not scoring)', async () => {
    const body = JSON.stringify({ rewards: [{ id: 'test-sleep', params: { ms: 2_500 } }], groups: [{ completions: ['a'] }] });
    const response = await rawRequest(port, 'POST', '/v1/score', { headers: { 'content-type': 'application/json' }, body });
    expect(response.status).toBe(200);
    expect(JSON.parse(response.body).groups[0].completions[0].reward).toBe(1);
  });
});

describe("Node's HTTP parser errors, in the catalog", () => {
  it('answers headers beyond 16 KiB with 431', async () => {
    const response = await rawRequest(port, 'GET', '/healthz', { headers: { 'x-pad': 'a'.repeat(20_000) } });
    expect(response.status).toBe(431);
    expect(JSON.parse(response.body)).toMatchObject({ statusCode: 431, code: 'VERDICT_HEADERS_TOO_LARGE' });
  });

  // [why, raw bytes]
  const malformed: Array<[string, string]> = [
    ['not HTTP at all', 'HELLO\r\n\r\n'],
    ['a space in the request target', 'GET /a b HTTP/1.1\r\nHost: x\r\n\r\n'],
    ['a header without a colon', 'GET /healthz HTTP/1.1\r\nHost x\r\n\r\n'],
    [
      'Content-Length and Transfer-Encoding both (request smuggling)',
      'POST /v1/score HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
    ],
    ['two Content-Length values', 'POST /v1/score HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nContent-Length: 5\r\n\r\n{}{}'],
    ['a bad chunk size', 'POST /v1/score HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n'],
  ];
  it.each(malformed)('answers %s with 400 in the catalog body', async (_why, raw) => {
    const { received } = await dribble(raw, '', 100, 50);
    expect(received).toMatch(/^HTTP\/1\.1 400 /);
    expect(bodyOf(received)).toMatchObject({ statusCode: 400, code: 'VERDICT_MALFORMED_HTTP' });
  });
});
