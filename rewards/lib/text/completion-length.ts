/**
 * How long a completion is, in the unit a length reward asks for: characters
 * (code points, Python's `len`, as open-r1 measures) or tokens. Tokens come
 * from the trainer (`completion_ids`, `num_tokens`); without them they are
 * estimated from the completion's UTF-8 bytes, reported as `source:
 * 'estimate'`. A byte-level BPE or SentencePiece-with-byte-fallback
 * tokenizer never spends fewer than one byte a token, so the estimate is
 * never below a real count: 60,000 emoji are at least 60,000 tokens. It is
 * about 4x too high for English prose; send token counts to be exact.
 */
import type { Sample } from '../../types.ts';
import { utf8Bytes } from './normalize.ts';

export type LengthUnit = 'chars' | 'tokens';
type LengthSource = 'chars' | 'completion_ids' | 'num_tokens' | 'estimate';

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

/** An upper bound on any byte-level tokenizer's count: one token per UTF-8 byte. */
export function estimateTokens(text: string): number {
  return utf8Bytes(text);
}

export function completionLength(sample: Pick<Sample, 'completion' | 'completion_ids' | 'num_tokens'>, unit: LengthUnit): MeasuredLength {
  if (unit === 'chars') return { length: codePoints(sample.completion), source: 'chars' };
  if (sample.completion_ids) return { length: sample.completion_ids.length, source: 'completion_ids' };
  if (sample.num_tokens !== undefined) return { length: sample.num_tokens, source: 'num_tokens' };
  return { length: estimateTokens(sample.completion), source: 'estimate' };
}
