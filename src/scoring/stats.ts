/** Mean and unbiased (n - 1) standard deviation, as torch.std computes them for TRL. */
export function mean(values: readonly number[]): number {
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}

export function std(values: readonly number[]): number {
  if (values.length < 2) return 0;
  const m = mean(values);
  let squares = 0;
  for (const v of values) squares += (v - m) ** 2;
  return Math.sqrt(squares / (values.length - 1));
}

/** torch.isclose(x, 0) with its default tolerances. */
export function isCloseToZero(x: number): boolean {
  return Math.abs(x) <= 1e-8;
}
