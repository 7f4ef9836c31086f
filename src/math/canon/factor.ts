/** Prime factors of the integers under roots and logarithms, by trial division within a fixed bound. */
import { spend } from '../budget.ts';

/** Divisors tried; a cofactor below TRIAL² left over is prime. */
const TRIAL = 1_000_000;

/** The prime factorisation of n ≥ 1, or null when a cofactor is too large to prove prime. */
export function factorize(n: bigint): Map<bigint, number> | null {
  const out = new Map<bigint, number>();
  if (n < 1n) return null;
  if (n <= BigInt(Number.MAX_SAFE_INTEGER)) return factorSmall(Number(n), out);
  // Beyond doubles: strip small primes with BigInt, then finish in doubles if the rest fits.
  let m = n;
  for (let p = 2n; p < 10_000n; p += p === 2n ? 1n : 2n) {
    if (m % p !== 0n) continue;
    let k = 0;
    while (m % p === 0n) {
      m /= p;
      k++;
    }
    out.set(p, k);
  }
  spend(5000);
  if (m === 1n) return out;
  if (m > BigInt(Number.MAX_SAFE_INTEGER)) return null;
  return factorSmall(Number(m), out);
}

function factorSmall(n: number, out: Map<bigint, number>): Map<bigint, number> | null {
  let tried = 0;
  for (let p = 2; p * p <= n && p <= TRIAL; p += p === 2 ? 1 : 2) {
    tried++;
    if (n % p !== 0) continue;
    let k = 0;
    while (n % p === 0) {
      n /= p;
      k++;
    }
    out.set(BigInt(p), (out.get(BigInt(p)) ?? 0) + k);
  }
  spend(1 + (tried >> 4));
  if (n > 1) {
    if (n > TRIAL * TRIAL) return null;
    out.set(BigInt(n), (out.get(BigInt(n)) ?? 0) + 1);
  }
  return out;
}
