/**
 * Per reward family over HTTP (real server, pool 2, cache off): each rule
 * scores ~1,024 cells built from its own documented examples, each completion
 * made distinct; throughput in cells/s and the p50/p99 of the per-cell time
 * the workers report.
 */
import { median, percentile, postJson, startServer } from './lib.ts';
import { perSec, type BenchRow } from './table.ts';

const FAMILIES: Array<[string, string[]]> = [
  ['format', ['think-format', 'tag-count']],
  ['math', ['math-answer']],
  [
    'text',
    [
      'language-consistency',
      'repetition-penalty',
      'length',
      'cosine-length',
      'overlong-penalty',
      'text-similarity',
      'string-check',
      'multiple-choice',
      'regex-match',
    ],
  ],
  ['code', ['code-tests']],
];
const CELLS: Record<string, number> = { code: 128 }; // sandboxed runs are slow: fewer cells keep the run short
const RUNS = 2;

interface Example {
  sample: { completion: string; prompt?: string; reference?: unknown; metadata?: Record<string, unknown>; num_tokens?: number };
  params?: Record<string, unknown>;
  reason?: string;
}

/** Examples of a missing or unusable reference: POST /v1/score refuses them (400) before anything runs. */
const REFUSED = new Set(['no_reference', 'bad_reference', 'no_pattern']);

function exampleBatch(id: string, examples: Example[], cells: number) {
  return {
    advantages: { method: 'none' },
    groups: Array.from({ length: cells }, (_, i) => {
      const { sample, params } = examples[i % examples.length];
      const content = `${sample.completion}\n\n(${i})`; // distinct, so the batch is not deduplicated
      return {
        prompt: sample.prompt,
        reference: sample.reference,
        metadata: sample.metadata,
        rewards: [{ id, params }],
        completions: [sample.num_tokens === undefined ? content : { content, num_tokens: sample.num_tokens }],
      };
    }),
  };
}

export async function benchFamilies(log: (line: string) => void = console.log): Promise<BenchRow[]> {
  const { app, url } = await startServer({ poolSize: 2, cacheSize: 0 });
  const rows: BenchRow[] = [];
  try {
    const list = (await (await fetch(`${url}/v1/rewards`)).json()) as { rewards: Array<{ id: string; examples: Example[] }> };
    const byId = new Map(list.rewards.map((r) => [r.id, r]));
    for (const [family, ids] of FAMILIES) {
      for (const id of ids) {
        const rule = byId.get(id);
        if (!rule || rule.examples.length === 0) {
          log(`  ${family}: ${id} not present`);
          continue;
        }
        const cells = CELLS[family] ?? 1024;
        const body = exampleBatch(
          id,
          rule.examples.filter((e) => !REFUSED.has(e.reason ?? '')),
          cells,
        );
        await postJson(`${url}/v1/score`, body); // warm-up
        const times: number[] = [];
        let cellMs: number[] = [];
        for (let r = 0; r < RUNS; r++) {
          const { status, json, ms } = await postJson(`${url}/v1/score`, body);
          if (status !== 200) throw new Error(`${id}: status ${status} ${JSON.stringify(json).slice(0, 200)}`);
          times.push(ms);
          cellMs = (json.groups as Array<{ completions: Array<{ rewards: Record<string, { ms: number }> }> }>).map((g) => g.completions[0].rewards[id].ms);
        }
        cellMs.sort((a, b) => a - b);
        const batchMs = median(times);
        rows.push({
          benchmark: `family: ${family}`,
          workload: `${id}, ${cells} cells from its examples`,
          figure: perSec((cells * 1000) / batchMs, 'cells'),
          p50: percentile(cellMs, 50),
          p99: percentile(cellMs, 99),
        });
        log(`  ${id}: ${batchMs.toFixed(0)} ms per ${cells} cells`);
      }
    }
  } finally {
    await app.close();
  }
  return rows;
}
