/**
 * How long a completion is, in the unit a length reward asks for: characters
 * (code points, Python's `len`, as open-r1 measures) or tokens. Tokens come
 * from the trainer (`completion_ids`, `num_tokens`); without them they are
 * estimated: one token per CJK character plus one per 4 other characters
 * (the usual English rule of thumb), reported as `source: 'estimate'`.
 */
import type { Sample } from '../../types.ts';
import { CJK_RUN } from './cjk.ts';

export type LengthUnit = 'chars' | 'tokens';
export type LengthSource = 'chars' | 'completion_ids' | 'num_tokens' | 'estimate';

export interface MeasuredLength {
  length: number;
  source: LengthSource;
}

export function codePoints(text: string): number {
  let surrogates = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 0xdc00 && code <= 0xdfff) surrogates++;
  }
  return text.length - surrogates;
}

export function estimateTokens(text: string): number {
  const cjk = (text.match(CJK_RUN) ?? []).reduce((n, run) => n + codePoints(run), 0);
  return cjk + Math.ceil((codePoints(text) - cjk) / 4);
}

export function completionLength(sample: Pick<Sample, 'completion' | 'completion_ids' | 'num_tokens'>, unit: LengthUnit): MeasuredLength {
  if (unit === 'chars') return { length: codePoints(sample.completion), source: 'chars' };
  if (sample.completion_ids) return { length: sample.completion_ids.length, source: 'completion_ids' };
  if (sample.num_tokens !== undefined) return { length: sample.num_tokens, source: 'num_tokens' };
  return { length: estimateTokens(sample.completion), source: 'estimate' };
}
