/**
 * Guard rails of the math engine. Every bound here stops a crafted answer
 * (`10^{10^{10}}`, `1000000!`, deep nesting) long before it costs real time.
 */
export const LIMITS = {
  /** Longest extracted answer the parser accepts, in characters. */
  maxAnswerChars: 4000,
  /** Most nodes one parsed answer may hold. */
  maxNodes: 1500,
  /** Deepest nesting of brackets, fractions and powers. */
  maxDepth: 60,
  /** Largest integer exponent computed exactly; beyond it only floats are used. */
  maxExactExponent: 4096,
  /** Largest size of an exact rational, in bits of numerator plus denominator (2^{4000} is 4,001). */
  maxExactBits: 32768,
  /** Largest n for which n! is computed exactly (floats overflow at 171). */
  maxExactFactorial: 500,
  /** Most terms a \sum or \prod may run. */
  maxSumTerms: 2000,
  /** Most terms the nested \sum and \prod of one expression run together (2,000³ would be 8e9). */
  maxSumWork: 20_000,
  /** Most ± signs expanded in one expression (2^n variants). */
  maxPlusMinus: 3,
  /** Most terms of one expanded polynomial: `(a+b+c+d)^{40}` stops here, not at the memory's end. */
  maxTerms: 2000,
  /** Work units of one verdict (see budget.ts); the gold's share is small. */
  maxWork: 300_000,
  /** A gold may be this many times longer and larger than an answer: its size is the dataset's, not the policy's. */
  goldFactor: 4,
} as const;

/** A guard rail was hit: the answer cannot be judged within the limits. */
export class LimitError extends Error {
  constructor(readonly limit: string) {
    super(`math limit exceeded: ${limit}`);
  }
}

/** The answer text is not something the parser understands. */
export class ParseError extends Error {}
