/**
 * Who is asking. The auth hook decides it once per request, from the digest of the key it read (it
 * reads and hashes the key anyway), and everything that keeps callers apart derives its scope from
 * it: admission's equal shares and the pools' turns (`fairness`), and Idempotency-Keys
 * (`idempotency`). Background jobs take their turns in the pools as one caller of their own, `jobs`
 * (jobs.ts), which no request's `fairness` can be.
 */
import type { Socket } from 'node:net';

export interface Caller {
  /** Whose share of the admission queue and whose turn in the pools: `key:<digest>`, else `conn:<n>`, each connection its own. */
  readonly fairness: string;
  /** Whose Idempotency-Keys: the key's digest, else `anonymous` (a retry comes on a new connection, so keyless callers share one scope). */
  readonly idempotency: string;
}

const connections = new WeakMap<Socket, number>();
let connectionCount = 0;

/** The caller of a request that carried a key with digest `keyDigest` (or none), on `socket`. */
export function callerOf(keyDigest: string | undefined, socket: Socket): Caller {
  // A keyed caller keeps its turn and its retries across connections.
  if (keyDigest !== undefined) return { fairness: `key:${keyDigest}`, idempotency: keyDigest };
  let id = connections.get(socket);
  if (id === undefined) connections.set(socket, (id = ++connectionCount));
  return { fairness: `conn:${id}`, idempotency: 'anonymous' };
}
