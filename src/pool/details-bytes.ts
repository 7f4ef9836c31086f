/**
 * Cells' details measured serialized, in bytes, remembered per details object: a worker measures them as
 * it serializes its results (protocol.ts), so the HTTP process charges the bounds on details
 * (scoring/cap-details.ts) and the cache without serializing them again. Details made in this process
 * (a cut, a timeout) are measured here, once, when something needs their size.
 */
const sizes = new WeakMap<object, number>();

/** The size measured for `details`, if it was. */
export const measuredBytes = (details: object): number | undefined => sizes.get(details);

/** Keeps `bytes` as the serialized size of `details`. */
export function rememberBytes(details: object, bytes: number): void {
  sizes.set(details, bytes);
}

/** The serialized size of `details`, measured now unless it was. */
export function detailsBytes(details: object): number {
  let bytes = sizes.get(details);
  if (bytes === undefined) sizes.set(details, (bytes = Buffer.byteLength(JSON.stringify(details))));
  return bytes;
}
