/** A bounded loopback load generator: N connections post one body back to back until a deadline. */
export interface LoadResult {
  requests: number;
  /** From the first request sent to the last answer. */
  seconds: number;
  completionsPerSec: number;
  latencies: number[];
}

export async function postLoad(url: string, body: unknown, completions: number, connections: number, durationMs: number): Promise<LoadResult> {
  const payload = JSON.stringify(body);
  const started = performance.now();
  const end = started + durationMs;
  const latencies: number[] = [];
  let last = started;
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (performance.now() < end) {
        const t = performance.now();
        const response = await fetch(`${url}/v1/score`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: payload });
        await response.arrayBuffer();
        if (response.status !== 200) throw new Error(`POST /v1/score: status ${response.status}`);
        last = performance.now();
        latencies.push(last - t);
      }
    }),
  );
  const seconds = (last - started) / 1000;
  return { requests: latencies.length, seconds, completionsPerSec: (latencies.length * completions) / seconds, latencies };
}

/** GET /healthz every `everyMs` until `stop` settles; returns the latencies. */
export async function probeHealth(url: string, stop: Promise<unknown>, everyMs = 20): Promise<number[]> {
  let stopped = false;
  void stop.finally(() => (stopped = true)).catch(() => undefined);
  const latencies: number[] = [];
  while (!stopped) {
    const t = performance.now();
    const response = await fetch(`${url}/healthz`);
    await response.arrayBuffer();
    latencies.push(performance.now() - t);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
  return latencies;
}
