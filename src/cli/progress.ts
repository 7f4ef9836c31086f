/**
 * Progress of a long CLI run on stderr: a redrawn bar with rate and ETA on a
 * TTY; plain log lines (at most one every `logEveryMs`) otherwise, so CI logs stay readable.
 */
export interface ProgressOptions {
  total: number;
  /** What is counted: "groups". */
  unit: string;
  /** Counted as done before this run started (resumed work): excluded from the rate. */
  already?: number;
  stream?: NodeJS.WriteStream;
  logEveryMs?: number;
}

const WIDTH = 30; // characters of bar

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

export function createProgress(options: ProgressOptions) {
  const stream = options.stream ?? process.stderr;
  const tty = Boolean(stream.isTTY);
  const started = performance.now();
  const already = options.already ?? 0;
  let done = already;
  let lastLog = -Infinity; // the first line always prints: performance.now() starts near 0 in a young process

  const line = () => {
    const seconds = (performance.now() - started) / 1000;
    const rate = (done - already) / Math.max(seconds, 1e-3);
    const eta = rate > 0 ? (options.total - done) / rate : Infinity;
    const pct = options.total > 0 ? (100 * done) / options.total : 100;
    return { rate, eta, pct, seconds };
  };

  return {
    add(n: number) {
      done += n;
      const { rate, eta, pct } = line();
      const now = performance.now();
      if (tty) {
        const filled = Math.round((WIDTH * pct) / 100);
        stream.write(
          `\r[${'#'.repeat(filled)}${'.'.repeat(WIDTH - filled)}] ${done}/${options.total} ${options.unit} ${rate.toFixed(1)}/s ETA ${formatDuration(eta)}   `,
        );
      } else if (now - lastLog >= (options.logEveryMs ?? 2_000) || done >= options.total) {
        lastLog = now;
        stream.write(
          `verdict: ${done}/${options.total} ${options.unit} (${pct.toFixed(1)}%), ${rate.toFixed(1)} ${options.unit}/s, ETA ${formatDuration(eta)}\n`,
        );
      }
    },
    finish(): { seconds: number; rate: number } {
      const { rate, seconds } = line();
      if (tty) stream.write('\n');
      return { seconds, rate };
    },
  };
}
