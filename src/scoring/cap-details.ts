/**
 * Bounds on what rules return: a cell's `details` (a registered JavaScript
 * rule writes whatever it likes there) and all details of one response.
 * Past a bound, details are cut, never dropped silently: the top-level
 * entries that fit are kept in order and `_truncated` says how large they
 * were and which variable cut them.
 */
import type { CellOutcome } from '../pool/protocol.ts';

interface Truncation {
  /** Serialized size of the details as the rule returned them, in bytes. */
  bytes: number;
  limit: number;
  by: 'CELL_DETAILS_LIMIT_BYTES' | 'RESPONSE_DETAILS_LIMIT_BYTES';
}

/** Room kept for the `_truncated` entry itself, in bytes. */
const FLAG_BYTES = 96;

/**
 * An upper bound of `value`'s serialized size, given up once past `budget` (a character escapes to at
 * most 6 bytes, a number writes at most 24): most details are far below the limit, and walking them
 * costs a fraction of serializing them.
 */
function boundedSize(value: unknown, budget: number): number {
  if (typeof value === 'string') return value.length * 6 + 2;
  if (value === null || typeof value !== 'object') return 24;
  let size = 2;
  const record = value as Record<string, unknown>;
  for (const key in record) {
    size += key.length * 6 + 4 + boundedSize(record[key], budget - size);
    if (size > budget) break;
  }
  return size;
}

/** Serialized sizes already measured, so a cached outcome is not measured again. */
const sizes = new WeakMap<object, number>();

function exactBytes(details: Record<string, unknown>): number {
  let bytes = sizes.get(details);
  if (bytes === undefined) sizes.set(details, (bytes = Buffer.byteLength(JSON.stringify(details))));
  return bytes;
}

/**
 * What `details` count against a bound: their serialized size when measured, else an upper bound,
 * measured exactly only when the bound does not fit `budget`.
 */
export function detailsBytes(details: Record<string, unknown>, budget = Infinity): number {
  const known = sizes.get(details);
  if (known !== undefined) return known;
  const bound = boundedSize(details, budget);
  return bound <= budget ? bound : exactBytes(details);
}

/** `details` cut to `limit` bytes: whole top-level entries, in order, while they fit. */
function cut(details: Record<string, unknown>, bytes: number, limit: number, by: Truncation['by']): Record<string, unknown> {
  const kept: Record<string, unknown> = {};
  let used = 2 + FLAG_BYTES; // the braces and the flag
  for (const [key, value] of Object.entries(details)) {
    const entry = Buffer.byteLength(JSON.stringify(key)) + 2 + Buffer.byteLength(JSON.stringify(value) ?? 'null');
    if (used + entry > limit) continue;
    kept[key] = value;
    used += entry;
  }
  const truncation: Truncation = { bytes, limit, by };
  const result = { ...kept, _truncated: truncation };
  sizes.set(result, used);
  return result;
}

/** The outcome with its details within CELL_DETAILS_LIMIT_BYTES. */
export function capCellDetails(outcome: CellOutcome, limit: number): CellOutcome {
  if (!outcome.details) return outcome;
  const bytes = detailsBytes(outcome.details, limit);
  return bytes <= limit ? outcome : { ...outcome, details: cut(outcome.details, bytes, limit, 'CELL_DETAILS_LIMIT_BYTES') };
}

/** A response's budget for details: once spent, further cells keep only the `_truncated` flag. */
export function createDetailsBudget(limit: number) {
  let left = limit;
  return {
    take(details: Record<string, unknown>): Record<string, unknown> {
      const bytes = detailsBytes(details, left);
      if (bytes <= left) {
        left -= bytes;
        return details;
      }
      left = 0;
      return { _truncated: { bytes, limit, by: 'RESPONSE_DETAILS_LIMIT_BYTES' } satisfies Truncation };
    },
  };
}
