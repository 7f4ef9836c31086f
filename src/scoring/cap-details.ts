/**
 * Bounds on what rules return: a cell's `details` (a registered JavaScript
 * rule writes whatever it likes there) and all details of one response.
 * Past a bound, details are cut, never dropped silently: the top-level
 * entries that fit are kept in order and `_truncated` says how large they
 * were and which variable cut them.
 *
 * What is charged against a bound is the details' serialized size, as the
 * limits say. Measuring it means serializing them, so a cheap upper bound
 * decides first wherever it settles the question alone: details whose bound
 * fits are within the limit without being measured; only what could pass a
 * limit is measured, and a budget is always charged the measured size.
 */
import { detailsBytes, measuredBytes } from '../pool/details-bytes.ts';
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
 * most 6 bytes, a number writes at most 24): it never counts less than the serialized size, and walking
 * details costs a fraction of serializing them. Up to 6 times too large, it is never what is charged.
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

/** Whether `details` are within `limit` bytes serialized; measured here only when their bound does not settle it. */
function fits(details: Record<string, unknown>, limit: number): boolean {
  const known = measuredBytes(details);
  if (known !== undefined) return known <= limit;
  return boundedSize(details, limit) <= limit || detailsBytes(details) <= limit;
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
  return { ...kept, _truncated: truncation };
}

/** The outcome with its details within CELL_DETAILS_LIMIT_BYTES. */
export function capCellDetails(outcome: CellOutcome, limit: number): CellOutcome {
  if (!outcome.details || fits(outcome.details, limit)) return outcome;
  return { ...outcome, details: cut(outcome.details, detailsBytes(outcome.details), limit, 'CELL_DETAILS_LIMIT_BYTES') };
}

/**
 * A response's budget for details: once spent, further cells keep only the `_truncated` flag. Details
 * whose bounds all fit are taken unmeasured; once the bounds would pass the limit, what was taken is
 * measured and the budget charged exactly from then on.
 */
export function createDetailsBudget(limit: number) {
  let used = 0; // measured bytes, plus the bounds of `unmeasured`
  let unmeasured: Array<[Record<string, unknown>, number]> = [];
  let spent = false;
  return {
    take(details: Record<string, unknown>): Record<string, unknown> {
      if (!spent) {
        const known = measuredBytes(details);
        const bound = known ?? boundedSize(details, limit - used);
        if (used + bound <= limit) {
          used += bound;
          if (known === undefined) unmeasured.push([details, bound]);
          return details;
        }
        for (const [taken, takenBound] of unmeasured) used += detailsBytes(taken) - takenBound;
        unmeasured = [];
        if (used + detailsBytes(details) <= limit) {
          used += detailsBytes(details);
          return details;
        }
        spent = true;
      }
      return { _truncated: { bytes: detailsBytes(details), limit, by: 'RESPONSE_DETAILS_LIMIT_BYTES' } satisfies Truncation };
    },
  };
}
