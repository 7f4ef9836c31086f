/**
 * The host side of the JavaScript harness: the guest code (guest-harness.js,
 * run inside each fresh context) with its settings, and the reader of the
 * `<length>:<text>` fields it answers with.
 */
import fs from 'node:fs';

// The file is one function expression, called below with the settings: the `;` that ends it as a
// statement (Prettier writes one) cannot stand inside that call.
const guestSource = fs
  .readFileSync(new URL('./guest-harness.js', import.meta.url), 'utf8')
  .trim()
  .replace(/;$/, '');

export interface HarnessSettings {
  /** Output kept per test (stdout and stderr together), in characters. */
  outputBytes: number;
}

/** A script that sets the harness up in a context and evaluates to its dispatch function. */
export function harnessSource(settings: HarnessSettings): string {
  return `(${guestSource})(${JSON.stringify(settings)})`;
}

/** Splits a `<length>:<text>` sequence back into its fields. */
export function decodeFields(encoded: string): string[] {
  const fields: string[] = [];
  let at = 0;
  while (at < encoded.length) {
    const colon = encoded.indexOf(':', at);
    const length = Number(encoded.slice(at, colon));
    fields.push(encoded.slice(colon + 1, colon + 1 + length));
    at = colon + 1 + length;
  }
  return fields;
}
