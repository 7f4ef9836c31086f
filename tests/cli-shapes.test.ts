/** The CLI on datasets as they ship: a GSM8K-style file with `answer`, chat prompts, warnings on stderr, conversational SFT rows. */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'verdict-cli-shapes-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const file = (name: string) => path.join(dir, name);

async function run(args: string[]): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, ['bin/verdict.js', ...args], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, DATA_DIR: file('data'), POOL_SIZE: '1', SANDBOX_POOL_SIZE: '1' },
  });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  const [code] = await once(child, 'exit');
  return { code: code as number | null, stderr };
}

const chat = (question: string) => [
  { role: 'system', content: 'Answer briefly.' },
  { role: 'user', content: question },
];
// GSM8K as it ships: the gold is in `answer`, a worked solution ending in "#### n"
const rows = [
  { id: 'a', prompt: chat('2 + 2?'), answer: 'Add them: 2+2 = <<2+2=4>>4.\n#### 4', completions: ['\\boxed{4}', '\\boxed{5}'] },
  { id: 'b', prompt: chat('Half of 1?'), answer: '\\frac{1}{', completions: ['\\boxed{0.5}'] },
];
fs.writeFileSync(file('gsm8k.jsonl'), rows.map((r) => JSON.stringify(r)).join('\n') + '\n');

it('a reference under another name is a loud error that names the field and the way out', async () => {
  const { code, stderr } = await run(['score', file('gsm8k.jsonl'), '--rewards', 'math-answer', '-o', file('refused.jsonl')]);
  expect(code).toBe(1);
  expect(stderr).toContain(`${file('gsm8k.jsonl')}:1: VERDICT_MISSING_REFERENCE: /groups/0/reference is missing: math-answer needs a reference`);
  expect(stderr).toContain('the line has no "reference" but has "answer": rename it, or pass --reference-field answer');
}, 180_000);

it('--reference-field reads it; chat prompts are scored and filtered as conversations; warnings go to stderr', async () => {
  const scored = await run(['score', file('gsm8k.jsonl'), '--rewards', 'math-answer', '--reference-field', 'answer', '-o', file('scored.jsonl')]);
  expect(scored.code, scored.stderr).toBe(0);
  // the second gold cannot be parsed: 1 null of 3 cells is over 20%
  expect(scored.stderr).toContain(`verdict: warning: ${file('gsm8k.jsonl')}:1-2: math-answer could not score 1 of 3 cells (33%): unparsable_gold 1`);
  const out = fs
    .readFileSync(file('scored.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  expect(out[0].completions.map((c: { reward: number }) => c.reward)).toEqual([1, 0]);
  expect(out[0].prompt).toEqual(chat('2 + 2?'));

  const filtered = await run(['filter', file('scored.jsonl'), '-o', file('sft.jsonl'), '--best']);
  expect(filtered.code, filtered.stderr).toBe(0);
  const sft = fs
    .readFileSync(file('sft.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  // TRL's conversational prompt-completion row: the prompt stays a conversation
  expect(sft).toEqual([expect.objectContaining({ prompt: chat('2 + 2?'), completion: [{ role: 'assistant', content: '\\boxed{4}' }], reward: 1, group: 'a' })]);
}, 180_000);
