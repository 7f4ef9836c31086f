/**
 * Keeps the JSON text of a group's reference when JSON.parse changed one of
 * its numbers (`3.0` and `1e5` become integers, integers past 2^53 lose
 * digits): code tests read it back exactly (rewards/lib/code/exact-json.ts).
 * The parsed body stays as it was for every rule; the text rides beside each
 * reference it concerns. Bodies without an object reference holding an
 * integral number are left alone after one walk over their references.
 */
import { holdsInteger, parseExact, stringifyExact } from '../rewards/lib/code/exact-json.ts';

const REFERENCE_TEXT = Symbol('referenceText');

interface Group {
  reference?: unknown;
  [REFERENCE_TEXT]?: string;
}

function groupsOf(body: unknown): Group[] | undefined {
  const groups = body !== null && typeof body === 'object' ? (body as { groups?: unknown }).groups : undefined;
  return Array.isArray(groups) ? groups : undefined;
}

/** Call after JSON.parse of `text` gave `body` (nesting already checked); never throws. */
export function keepReferenceTexts(body: unknown, text: () => string): void {
  const groups = groupsOf(body);
  const suspects = groups?.flatMap((g, i) => (g !== null && typeof g.reference === 'object' && holdsInteger(g.reference, false) ? [i] : [])) ?? [];
  if (suspects.length === 0) return;
  let exactGroups: Group[] | undefined;
  try {
    exactGroups = groupsOf(parseExact(text()));
  } catch {
    return; // a body JSON.parse reads and lossless-json does not (a duplicate key): numbers as JSON.parse reads them
  }
  for (const i of suspects) {
    const reference = exactGroups?.[i]?.reference;
    const exact = stringifyExact(reference);
    if (exact !== JSON.stringify(reference)) groups![i][REFERENCE_TEXT] = exact;
  }
}

/** The text kept for a group's reference, if any. */
export function referenceTextOf(group: object): string | undefined {
  return (group as Group)[REFERENCE_TEXT];
}
