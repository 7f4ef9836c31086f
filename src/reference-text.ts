/**
 * Keeps the JSON text of a group's reference when JSON.parse changed one of
 * its numbers (`3.0` and `1e5` become integers, integers past 2^53 lose
 * digits): code tests read it back exactly (rewards/lib/code/exact-json.ts).
 * The parsed body stays as it was for every rule; the text rides beside each
 * reference it concerns. Bodies without an object reference holding an
 * integral number are left alone after one walk over their references.
 */
import { randomUUID } from 'node:crypto';
import { holdsExactNumber, holdsInteger, parseExact, stringifyExact } from '../rewards/lib/code/exact-json.ts';

const REFERENCE_TEXT = Symbol('referenceText');

interface Group {
  reference?: unknown;
  [REFERENCE_TEXT]?: string;
}

function groupsOf(body: unknown): Group[] | undefined {
  const groups = body !== null && typeof body === 'object' ? (body as { groups?: unknown }).groups : undefined;
  return Array.isArray(groups) ? groups : undefined;
}

/** Call after JSON.parse of `text` gave `body`, its nesting checked (json-body.ts); never throws. */
export function keepReferenceTexts(body: unknown, text: () => string): void {
  let exactGroups: Group[] | undefined;
  const exactGroupsOf = () => (exactGroups ??= groupsOf(parseExact(text())) ?? []); // parsed once, for the first suspect
  groupsOf(body)?.forEach((group, i) => keepExact(group, group?.reference, () => exactGroupsOf()[i]?.reference));
}

/** Sets the exact text of `exact` (the reference parsed exactly) on `group` when JSON.parse changed it. */
function keepText(group: Group, exact: unknown): void {
  if (holdsExactNumber(exact)) group[REFERENCE_TEXT] = stringifyExact(exact);
}

/** Keeps on `group` the text of `reference` (as JSON.parse read it) that `exact()` parses exactly, when they differ; never throws. */
function keepExact(group: object, reference: unknown, exact: () => unknown): void {
  if (reference === null || typeof reference !== 'object' || !holdsInteger(reference, false)) return;
  try {
    keepText(group as Group, exact());
  } catch {
    // nested too deep for the reviver's recursive walk (a CLI line, a label): numbers as JSON.parse read them
  }
}

/**
 * For one JSONL line parsed into `value` (the CLI): keeps the text of its `field` on `group`, which
 * takes that field as its reference, when JSON.parse changed one of its numbers; never throws.
 */
export function keepLineReferenceText(group: object, value: Record<string, unknown>, field: string, line: () => string): void {
  keepExact(group, value[field], () => (parseExact(line()) as Record<string, unknown>)[field]);
}

/**
 * For a group whose reference JSON.parse read from `text`, a string the request carried (an OpenRLHF
 * label): keeps `text` when JSON.parse changed one of its numbers; never throws.
 */
export function keepReferenceText(group: { reference?: unknown }, text: string): void {
  keepExact(group, group.reference, () => parseExact(text));
}

/**
 * The JSON text of a request whose references keep their kept texts, so a body stored (a job) or sent on
 * (the CLI's --url) reads back as it came: each such reference is written as a token, then replaced.
 */
export function stringifyRequest(body: { groups: readonly object[] }): string {
  const texts = body.groups.map(referenceTextOf);
  if (texts.every((text) => text === undefined)) return JSON.stringify(body);
  const token = randomUUID(); // not in any string of the body: no reference but these is replaced
  const json = JSON.stringify({ ...body, groups: body.groups.map((g, i) => (texts[i] === undefined ? g : { ...g, reference: `${token}:${i}` })) });
  return json.replace(new RegExp(`"${token}:(\\d+)"`, 'g'), (_match, i: string) => texts[Number(i)]!);
}

/** The text kept for a group's reference, if any. */
export function referenceTextOf(group: object): string | undefined {
  return (group as Group)[REFERENCE_TEXT];
}
