/**
 * The scoring engine for `verdict score --url`: each chunk is a POST /v1/score
 * to a running server or cluster (behind a balancer, every replica takes its
 * share). A refusal for capacity (503 with Retry-After) or a replica going
 * away (502/504, a refused or reset connection) is retried after the wait the
 * server asked for, or a growing one; a 4xx is the input's fault, refused as
 * the in-process engine refuses it.
 */
import { createHash } from 'node:crypto';
import { stringifyRequest } from '../reference-text.ts';
import type { ScoreRequest, ScoreResponse } from '../scoring/types.ts';
import type { Engine } from './engine.ts';
import { CliError } from './jsonl.ts';
import { RefusedRequest } from './refused-request.ts';

export interface RemoteOptions {
  /** Sent as `Authorization: Bearer <key>` when the server requires keys. */
  apiKey?: string;
  /** Gives up on a chunk still refused after this long, in ms. */
  giveUpMs?: number;
  /** Told of each wait before a retry, for the user. */
  onRetry?: (why: string, waitMs: number) => void;
}

const GIVE_UP_MS = 10 * 60_000; // a cluster refusing one chunk for ten minutes is down, not busy
const MAX_BACKOFF_MS = 30_000;
const retryable = new Set([502, 503, 504]);

export function createRemoteEngine(url: string, options: RemoteOptions = {}): Engine {
  const endpoint = new URL('/v1/score', url).toString();
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (options.apiKey) headers.authorization = `Bearer ${options.apiKey}`;

  return {
    async score(body: ScoreRequest): Promise<ScoreResponse> {
      const payload = stringifyRequest(body);
      // A retried chunk may land on the replica that already scored it: the key makes that a replay.
      const key = createHash('sha256').update(payload).digest('hex');
      const giveUp = Date.now() + (options.giveUpMs ?? GIVE_UP_MS);
      for (let attempt = 1; ; attempt++) {
        let why: string;
        let waitMs = Math.min(MAX_BACKOFF_MS, 500 * 2 ** (attempt - 1));
        try {
          const response = await fetch(endpoint, { method: 'POST', headers: { ...headers, 'idempotency-key': key }, body: payload });
          if (response.ok) return (await response.json()) as ScoreResponse;
          const json = (await response.json().catch(() => ({}))) as { code?: string };
          if (!retryable.has(response.status)) throw new RefusedRequest(response.status, json, response.statusText);
          why = `${response.status} ${json.code ?? response.statusText}`;
          const retryAfter = Number(response.headers.get('retry-after'));
          if (Number.isFinite(retryAfter) && retryAfter > 0) waitMs = retryAfter * 1000;
        } catch (error) {
          if (error instanceof CliError) throw error;
          why = (error as Error & { cause?: Error }).cause?.message ?? (error as Error).message;
        }
        if (Date.now() + waitMs > giveUp) throw new CliError(`${endpoint}: still failing after ${attempt} attempts (${why})`);
        options.onRetry?.(why, waitMs);
        await new Promise((resolve) => setTimeout(resolve, waitMs));
      }
    },
    close: async () => undefined,
  };
}
