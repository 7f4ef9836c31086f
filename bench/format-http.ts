/**
 * Latency of a 1,024-completion think-format batch over HTTP (loopback, real
 * server, default pool), median of several runs after a warm-up.
 */
import { fmt, median, postJson, startServer, syntheticCompletion } from './lib.ts';

const RUNS = 7;
const GROUPS = 64;
const GROUP_SIZE = 16;

export async function benchFormatHttp(): Promise<{ medianMs: number; completionsPerSec: number }> {
  const { app, url } = await startServer();
  try {
    const body = {
      rewards: [{ id: 'think-format' }],
      groups: Array.from({ length: GROUPS }, (_, g) => ({
        id: `g${g}`,
        completions: Array.from({ length: GROUP_SIZE }, (_, i) => syntheticCompletion(g * GROUP_SIZE + i)),
      })),
    };
    await postJson(`${url}/v1/score`, body); // warm-up: JIT in the workers
    const times: number[] = [];
    for (let r = 0; r < RUNS; r++) {
      const { status, ms } = await postJson(`${url}/v1/score`, body);
      if (status !== 200) throw new Error(`status ${status}`);
      times.push(ms);
    }
    const medianMs = median(times);
    return { medianMs, completionsPerSec: (GROUPS * GROUP_SIZE * 1000) / medianMs };
  } finally {
    await app.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { medianMs, completionsPerSec } = await benchFormatHttp();
  console.log(`think-format, 1,024 completions over HTTP: median ${fmt(medianMs)} ms (${fmt(completionsPerSec, 0)} completions/s, ${RUNS} runs)`);
}
