/** The `verdict` CLI as real processes (bin/verdict.js): score (in process, or on a server with --url), interrupt and resume, filter, serve; and the progress display. */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createProgress } from '../src/cli/progress.ts';
import { buildTestApp } from './helpers.ts';
import { freePort } from './spawn-server.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'verdict-cli-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const file = (name: string) => path.join(dir, name);

/** Group i: the right answer boxed, a wrong one, the right one after thinking -> math-answer 1, 0, 1. */
function writeInput(name: string, groups: number): string {
  const lines = Array.from({ length: groups }, (_, i) =>
    JSON.stringify({
      id: `g${i}`,
      prompt: `What is ${i} + 1?`,
      reference: String(i + 1),
      completions: [`\\boxed{${i + 1}}`, `\\boxed{${i + 2}}`, `<think>${i} plus one</think> The answer is \\boxed{${i + 1}}.`],
      source: 'ignored column',
    }),
  );
  fs.writeFileSync(file(name), `${lines.join('\n')}\n`);
  return file(name);
}

function run(args: string[]): { child: ChildProcess; done: Promise<{ code: number | null; signal: string | null; stderr: string }> } {
  const child = spawn(process.execPath, ['bin/verdict.js', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, DATA_DIR: file('data'), POOL_SIZE: '1', SANDBOX_POOL_SIZE: '1' },
  });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  child.stdout!.resume();
  const done = once(child, 'exit').then(([code, signal]) => ({ code: code as number | null, signal: signal as string | null, stderr }));
  return { child, done };
}

const readLines = (name: string) =>
  fs
    .readFileSync(file(name), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, any>);

/** Resolves once `name` holds at least `n` complete lines. */
async function waitForLines(name: string, n: number, child: ChildProcess): Promise<void> {
  const giveUp = Date.now() + 90_000; // start-up forks the pools: slow on a loaded machine
  while (Date.now() < giveUp && child.exitCode === null) {
    if (fs.existsSync(file(name)) && fs.readFileSync(file(name), 'utf8').split('\n').length - 1 >= n) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`${name} never reached ${n} lines`);
}

describe('verdict score', { timeout: 240_000 }, () => {
  it('scores a file: one line per group with the text, rewards, breakdown and advantages; plain progress lines off a TTY', async () => {
    const input = writeInput('small.jsonl', 20);
    fs.writeFileSync(file('spec.json'), JSON.stringify({ rewards: [{ id: 'math-answer' }], advantages: { method: 'none' } }));
    const { done } = run(['score', input, '--rewards', file('spec.json'), '-o', file('small.out.jsonl'), '--chunk-size', '8']);
    const { code, stderr } = await done;
    expect(code, stderr).toBe(0);
    const out = readLines('small.out.jsonl');
    expect(out.map((g) => g.id)).toEqual(Array.from({ length: 20 }, (_, i) => `g${i}`));
    expect(out[3]).toMatchObject({ id: 'g3', prompt: 'What is 3 + 1?', reference: '4' });
    expect(out[3].advantages).toEqual([expect.closeTo(1 / 3, 12), expect.closeTo(-2 / 3, 12), expect.closeTo(1 / 3, 12)]); // Dr. GRPO: r - mean
    expect(out[3].completions.map((c: any) => [c.completion, c.reward, c.rewards['math-answer'].score])).toEqual([
      ['\\boxed{4}', 1, 1],
      ['\\boxed{5}', 0, 0],
      ['<think>3 plus one</think> The answer is \\boxed{4}.', 1, 1],
    ]);
    expect(out[0]).not.toHaveProperty('source'); // not a group field: ignored
    expect(stderr).toMatch(/^verdict: 20\/20 groups \(100\.0%\), [\d.]+ groups\/s, ETA 0s$/m);
    expect(stderr).toMatch(/scored 20 groups \(60 completions\)/);
  });

  it('resumes after SIGINT and after SIGKILL (even mid-line): every group exactly once, scored as in one run', async () => {
    const groups = 600;
    const input = writeInput('big.jsonl', groups);
    const args = ['score', input, '--rewards', 'math-answer', '-o', file('big.out.jsonl'), '--chunk-size', '5'];

    const first = run(args);
    await waitForLines('big.out.jsonl', 10, first.child);
    first.child.kill('SIGINT');
    const interrupted = await first.done;
    expect(interrupted.code, interrupted.stderr).toBe(130);
    expect(interrupted.stderr).toMatch(/interrupted; rerun the same command to resume/);
    const afterInt = readLines('big.out.jsonl').length;
    expect(afterInt).toBeLessThan(groups);

    const second = run(args);
    await waitForLines('big.out.jsonl', afterInt + 10, second.child);
    second.child.kill('SIGKILL');
    expect((await second.done).signal).toBe('SIGKILL');
    fs.appendFileSync(file('big.out.jsonl'), '{"id":"g59'); // what a kill in the middle of a write leaves
    const afterKill = fs.readFileSync(file('big.out.jsonl'), 'utf8').split('\n').length - 1;
    expect(afterKill).toBeLessThan(groups);

    const third = run(args);
    const finished = await third.done;
    expect(finished.code, finished.stderr).toBe(0);
    expect(finished.stderr).toMatch(new RegExp(`resuming: ${afterKill} of ${groups} groups already in`));
    const out = readLines('big.out.jsonl');
    expect(out.map((g) => g.id).sort()).toEqual(Array.from({ length: groups }, (_, i) => `g${i}`).sort());
    expect(out.every((g) => g.completions.map((c: any) => c.reward).join() === '1,0,1')).toBe(true);
  }, 400_000);

  it.each([
    // the input must exist
    ['a missing input', ['score', 'nope.jsonl', '--rewards', 'math-answer', '-o', 'x.jsonl'], /nope\.jsonl: no such file/],
    // --rewards is required
    ['no --rewards', ['score', '@input', '-o', '@out'], /--rewards is required/],
  ])('fails with exit 1 on %s', async (_name, args, message) => {
    const input = writeInput('err.jsonl', 2);
    const resolved = args.map((a) => (a === '@input' ? input : a === '@out' ? file('err.out.jsonl') : a));
    const { code, stderr } = await run(resolved).done;
    expect(code).toBe(1);
    expect(stderr).toMatch(message);
  });

  it('names the input line of a group the engine refuses', async () => {
    // an empty completion list breaks the Group schema: the engine's catalog error, at the file's line 2
    fs.writeFileSync(file('bad.jsonl'), `${JSON.stringify({ id: 'a', completions: ['x'] })}\n${JSON.stringify({ id: 'b', completions: [] })}\n`);
    const { code, stderr } = await run(['score', file('bad.jsonl'), '--rewards', 'think-format', '-o', file('bad.out.jsonl')]).done;
    expect(code).toBe(1);
    expect(stderr).toMatch(/bad\.jsonl:2: VERDICT_INVALID_REQUEST/);
  });
});

describe('verdict score --url', { timeout: 240_000 }, () => {
  it('scores on a running server, chunks in flight at once but written in input order, retrying each refusal; and resumes', async () => {
    const app = await buildTestApp();
    const target = await app.listen({ host: '127.0.0.1', port: 0 });
    // In front of it: refuses each chunk once (503, Retry-After: 1), then passes it on, holding early
    // chunks back longest so later ones finish first.
    const refusedKeys = new Set<string>();
    const log: string[] = [];
    const front = http.createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const body = Buffer.concat(chunks).toString();
      const first = (JSON.parse(body) as { groups: Array<{ id: string }> }).groups[0].id;
      const key = req.headers['idempotency-key'] as string;
      if (!refusedKeys.has(key)) {
        refusedKeys.add(key);
        log.push(`503 ${first}`);
        res.writeHead(503, { 'content-type': 'application/json', 'retry-after': '1' }).end('{"statusCode":503,"code":"VERDICT_OVERLOADED"}');
        return;
      }
      await new Promise((r) => setTimeout(r, (20 - Number(first.slice(1))) * 40));
      const answer = await fetch(`${target}/v1/score`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      log.push(`200 ${first}`);
      res.writeHead(answer.status, { 'content-type': 'application/json' }).end(await answer.text());
    });
    await new Promise<void>((r) => front.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(front.address() as { port: number }).port}`;
    try {
      const input = writeInput('remote.jsonl', 20);
      const args = ['score', input, '--rewards', 'math-answer', '-o', file('remote.out.jsonl'), '--chunk-size', '4', '--url', url, '--concurrency', '3'];
      const { code, stderr } = await run(args).done;
      expect(code, stderr).toBe(0);
      const out = readLines('remote.out.jsonl');
      expect(out.map((g) => g.id)).toEqual(Array.from({ length: 20 }, (_, i) => `g${i}`)); // input order, not finishing order
      expect(out.every((g) => g.completions.map((c: any) => c.reward).join() === '1,0,1')).toBe(true);
      expect(log.filter((l) => l.startsWith('503')).length).toBe(5); // five chunks, each refused once
      expect(log.filter((l) => l.startsWith('200')).length).toBe(5); // and each scored once
      expect(stderr).toMatch(/503 VERDICT_OVERLOADED; retrying in 1\.0 s/);

      // An interrupted run leaves whole chunks in order: keep two, rerun, the rest follows them.
      fs.writeFileSync(file('remote.out.jsonl'), fs.readFileSync(file('remote.out.jsonl'), 'utf8').split('\n').slice(0, 8).join('\n') + '\n');
      refusedKeys.clear();
      const resumed = await run(args).done;
      expect(resumed.code, resumed.stderr).toBe(0);
      expect(resumed.stderr).toMatch(/resuming: 8 of 20 groups already in/);
      expect(readLines('remote.out.jsonl').map((g) => g.id)).toEqual(Array.from({ length: 20 }, (_, i) => `g${i}`));
    } finally {
      front.close();
      await app.close();
    }
  });

  it('names the input line of a group the server refuses, and refuses a --url that is not http', async () => {
    const app = await buildTestApp();
    const url = await app.listen({ host: '127.0.0.1', port: 0 });
    try {
      fs.writeFileSync(file('bad-remote.jsonl'), `${JSON.stringify({ id: 'a', completions: ['x'] })}\n${JSON.stringify({ id: 'b', completions: [] })}\n`);
      const refused = await run(['score', file('bad-remote.jsonl'), '--rewards', 'think-format', '-o', file('bad-remote.out.jsonl'), '--url', url]).done;
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(/bad-remote\.jsonl:2: VERDICT_INVALID_REQUEST/);
      const notHttp = await run(['score', file('bad-remote.jsonl'), '--rewards', 'think-format', '-o', file('x.jsonl'), '--url', 'ftp://x']).done;
      expect(notHttp.code).toBe(1);
      expect(notHttp.stderr).toMatch(/--url must be an http\(s\) URL/);
    } finally {
      await app.close();
    }
  });
});

describe('verdict filter (rejection sampling)', { timeout: 180_000 }, () => {
  const scored = [
    {
      id: 'a',
      prompt: 'p1',
      completions: [
        { completion: 'x', reward: 0.2, rewards: { r: { score: 0.2 } } },
        { completion: 'y', reward: 0.9, rewards: { r: { score: 0.9 } } },
        { completion: 'z', reward: 0.9, rewards: { r: { score: 0.9 } } },
      ],
    },
    {
      id: 'b',
      prompt: 'p2',
      completions: [
        { completion: 'u', reward: null, rewards: { r: { score: null } } },
        { completion: 'v', reward: 0.5, rewards: { r: { score: 0.5 } } },
      ],
    },
    { id: 'c', prompt: 'p3', completions: [{ completion: 'w', reward: null, rewards: { r: { score: null } } }] },
  ];

  it.each([
    // best per group: the first of equal bests; an all-null group keeps nothing
    [
      'best per group',
      [],
      [
        ['p1', 'y', 0.9],
        ['p2', 'v', 0.5],
      ],
    ],
    // threshold alone keeps every completion at or above it
    [
      'all at or above 0.5',
      ['--threshold', '0.5'],
      [
        ['p1', 'y', 0.9],
        ['p1', 'z', 0.9],
        ['p2', 'v', 0.5],
      ],
    ],
    // --best with a threshold: the best, if it clears the bar
    ['best at or above 0.6', ['--threshold', '0.6', '--best'], [['p1', 'y', 0.9]]],
  ])('%s', async (_name, extra, expected) => {
    fs.writeFileSync(file('scored.jsonl'), scored.map((g) => JSON.stringify(g)).join('\n'));
    const { code, stderr } = await run(['filter', file('scored.jsonl'), '-o', file('sft.jsonl'), ...extra]).done;
    expect(code, stderr).toBe(0);
    expect(readLines('sft.jsonl').map((r) => [r.prompt, r.completion, r.reward])).toEqual(expected);
  });

  it('writes chat rows with the rule breakdown, scoring an unscored file first when given --rewards', async () => {
    const input = writeInput('raw.jsonl', 3);
    const { code, stderr } = await run(['filter', input, '--rewards', 'math-answer', '--threshold', '1', '--format', 'messages', '-o', file('chat.jsonl')])
      .done;
    expect(code, stderr).toBe(0);
    const rows = readLines('chat.jsonl');
    expect(rows).toHaveLength(6); // 2 right answers per group
    expect(rows[0]).toEqual({
      messages: [
        { role: 'user', content: 'What is 0 + 1?' },
        { role: 'assistant', content: '\\boxed{1}' },
      ],
      reward: 1,
      rewards: { 'math-answer': 1 },
      group: 'g0',
    });
  });

  it('refuses an unscored file without --rewards', async () => {
    const { code, stderr } = await run(['filter', writeInput('raw2.jsonl', 1), '-o', file('x.jsonl')]).done;
    expect(code).toBe(1);
    expect(stderr).toMatch(/raw2\.jsonl:1: not a scored group/);
  });
});

describe('verdict serve', () => {
  it('serves HTTP on --port and drains on SIGTERM', async () => {
    const port = await freePort();
    const { child, done } = run(['serve', '--port', String(port)]);
    const giveUp = Date.now() + 90_000;
    let status = 0;
    while (Date.now() < giveUp && child.exitCode === null && status !== 200) {
      status = await fetch(`http://127.0.0.1:${port}/readyz`).then(
        (r) => r.status,
        () => 0,
      );
      if (status !== 200) await new Promise((r) => setTimeout(r, 100));
    }
    expect(status).toBe(200);
    child.kill('SIGTERM');
    expect((await done).code).toBe(0);
  }, 180_000);
});

describe('progress display', () => {
  function fakeStream(isTTY: boolean) {
    let text = '';
    return { stream: { isTTY, write: (s: string) => ((text += s), true) } as unknown as NodeJS.WriteStream, text: () => text };
  }

  it('redraws one bar with rate and ETA on a TTY', () => {
    const out = fakeStream(true);
    const progress = createProgress({ total: 10, unit: 'groups', stream: out.stream });
    progress.add(5);
    progress.add(5);
    progress.finish();
    const frames = out.text().split('\r').filter(Boolean);
    expect(frames).toHaveLength(2);
    expect(frames[0]).toMatch(/^\[#{15}\.{15}\] 5\/10 groups [\d.]+\/s ETA \d+s/);
    expect(out.text().endsWith('\n')).toBe(true);
  });

  it('writes at most one plain line per interval off a TTY, and always the last', () => {
    const out = fakeStream(false);
    const progress = createProgress({ total: 100, unit: 'groups', stream: out.stream, logEveryMs: 60_000, already: 40 });
    for (let i = 0; i < 60; i++) progress.add(1);
    const lines = out.text().trim().split('\n');
    expect(lines).toEqual([
      expect.stringMatching(/^verdict: 41\/100 groups \(41\.0%\)/),
      expect.stringMatching(/^verdict: 100\/100 groups \(100\.0%\), .* ETA 0s$/),
    ]);
  });
});
