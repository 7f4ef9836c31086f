/** The options of `verify`, with their defaults in one visible place. */

export interface VerifyOptions {
  thinkOnly: boolean;
  boxedOnly: boolean;
  lastNumberFallback: boolean;
  relTol: number;
  roundDigits: number | null;
  decimalComma: boolean;
  allowSetRelation: boolean;
  strictVariables: boolean;
  /** Epoch ms after which the comparison gives up with `timeout`. */
  deadline: number;
}

const DEFAULT_BUDGET_MS = 2000;

/** Accepts the rule's snake_case params (`think_only`, `rel_tol`, ...). */
export function resolveOptions(raw: Record<string, unknown>): VerifyOptions {
  const bool = (key: string, fallback: boolean) => {
    const v = raw[key];
    if (v === undefined) return fallback;
    if (typeof v !== 'boolean') throw new TypeError(`math option ${key} must be a boolean`);
    return v;
  };
  const relTol = raw.rel_tol ?? 1e-11;
  if (typeof relTol !== 'number' || !(relTol >= 0 && relTol < 1)) throw new TypeError('math option rel_tol must be a number in [0, 1)');
  const roundDigits = raw.round_digits ?? null;
  if (roundDigits !== null && !(Number.isInteger(roundDigits) && (roundDigits as number) >= 0 && (roundDigits as number) <= 15)) {
    throw new TypeError('math option round_digits must be null or an integer in [0, 15]');
  }
  const deadline = typeof raw.deadline === 'number' ? raw.deadline : Date.now() + DEFAULT_BUDGET_MS;
  return {
    thinkOnly: bool('think_only', true),
    boxedOnly: bool('boxed_only', false),
    lastNumberFallback: bool('last_number_fallback', true),
    relTol,
    roundDigits: roundDigits as number | null,
    decimalComma: bool('decimal_comma', false),
    allowSetRelation: bool('allow_set_relation', false),
    strictVariables: bool('strict_variables', true),
    deadline,
  };
}
