/** The one table `npm run bench` prints: a row per measured figure, with its target where the issue sets one. */
export interface BenchRow {
  benchmark: string;
  workload: string;
  figure: string;
  p50?: number;
  p99?: number;
  target?: string;
  meets?: boolean;
}

const ms = (n?: number) => (n === undefined || !Number.isFinite(n) ? '' : n < 1 ? n.toFixed(3) : n.toFixed(1));

export function renderTable(rows: readonly BenchRow[]): string {
  const lines = ['| benchmark | workload | figure | p50 ms | p99 ms | target | meets |', '|---|---|---:|---:|---:|---|---|'];
  for (const r of rows) {
    const meets = r.meets === undefined ? '' : r.meets ? 'yes' : '**no**';
    lines.push(`| ${r.benchmark} | ${r.workload} | ${r.figure} | ${ms(r.p50)} | ${ms(r.p99)} | ${r.target ?? ''} | ${meets} |`);
  }
  return lines.join('\n');
}

export const perSec = (n: number, unit: string) => `${Math.round(n).toLocaleString('en-US')} ${unit}/s`;
