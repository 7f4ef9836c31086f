/**
 * Where background jobs live: one interface, two backends (SQLite for a
 * single replica, PostgreSQL for replicas), so any replica answers a poll and
 * a job outlives the replica that was running it. A job is queued with its
 * request, claimed under a lease by one replica at a time, and finished with
 * its result; a job whose holder died is claimed again once the lease lapses.
 */
import { TooManyJobs } from '../errors.ts';

type JobStatus = 'queued' | 'running' | 'done' | 'failed';

export interface JobError {
  code: string;
  message: string;
}

export interface JobRecord {
  id: string;
  status: JobStatus;
  /** ISO 8601, UTC. */
  created_at: string;
  started_at?: string;
  finished_at?: string;
  progress: { groups_done: number; groups: number };
  error?: JobError;
  /** A done job's result, as the JSON text it was stored as. */
  result?: string;
}

export interface JobLimits {
  /** Jobs queued or running at once; a new one beyond it is refused (503). */
  maxActive: number;
  /** Finished jobs kept; the oldest are evicted to make room, never a reason to refuse. */
  maxFinished: number;
  /** How long a finished job is kept, in ms. */
  ttlMs: number;
}

export interface JobStoreOptions extends JobLimits {
  /** A claim lapses when its holder has not renewed it for this long, in ms. */
  leaseMs: number;
  /** Jobs this process runs at once. */
  concurrency: number;
  onError?: (error: Error) => void;
}

/** How a job ended: its result, as JSON text, or its error. */
export type JobOutcome = { result: string } | { error: JobError };

/** A job this process holds. */
export interface ClaimedJob {
  id: string;
  /** Its request, as JSON text. */
  request: string;
  /** Aborted when this process stops working (shutdown) or loses the claim: the job goes back to the queue. */
  signal: AbortSignal;
  progress(groupsDone: number): Promise<void>;
  /** Stores the result (or the error) and ends the claim. */
  finish(outcome: JobOutcome): Promise<void>;
  /**
   * Gives the job back to the queue without counting this claim against MAX_ATTEMPTS: it could not
   * start for want of capacity here, which is no fault of the job's. Ends the claim.
   */
  postpone(): Promise<void>;
}

export interface JobStore {
  readonly backend: 'sqlite' | 'postgres';
  /** Queues a job and returns its record; TooManyJobs when `maxActive` are queued or running. Evicts finished jobs past their limits first. */
  create(job: { id: string; groups: number; request: string }): Promise<JobRecord>;
  get(id: string): Promise<JobRecord | undefined>;
  /**
   * Runs each job this process claims through `run`, at most `concurrency` at
   * once. A job `run` returns from without finishing (its signal aborted, or
   * it threw) goes back to the queue; after MAX_ATTEMPTS claims it is failed.
   */
  work(run: (job: ClaimedJob) => Promise<void>): void;
  /** Stops claiming; jobs still running are given back; then closes the connection. */
  close(): Promise<void>;
}

/** Claims of one job before it is failed as lost: a job that keeps killing its replica must stop somewhere. */
export const MAX_ATTEMPTS = 3;

export const lostJob = (attempts: number): JobError => ({
  code: 'VERDICT_INTERNAL',
  message: `the job was claimed ${attempts} times and its replica died or stopped each time`,
});

export function tooMany(active: number, limits: JobLimits): void {
  if (active >= limits.maxActive) throw new TooManyJobs(active, limits.maxActive);
}

/**
 * A job record's columns as both backends return them (times in epoch ms; PostgreSQL returns BIGINT as
 * text): the one list, typed once. Each backend's schema has these columns and its own beside them
 * (the request, claims); the migrations stay per dialect.
 */
const recordColumns = {
  id: '' as string,
  status: 'queued' as JobStatus,
  groups: 0 as number | string,
  groups_done: 0 as number | string,
  result: null as string | null,
  error_code: null as string | null,
  error_message: null as string | null,
  created_at: 0 as number | string,
  started_at: null as number | string | null,
  finished_at: null as number | string | null,
};

export type JobRow = typeof recordColumns;

/** What both stores select (and return from an insert) to build a JobRecord. */
export const jobColumns = Object.keys(recordColumns).join(', ');

const iso = (ms: number | string | null) => (ms === null ? undefined : new Date(Number(ms)).toISOString());

export function fromJobRow(row: JobRow): JobRecord {
  const record: JobRecord = {
    id: row.id,
    status: row.status,
    created_at: iso(row.created_at)!,
    progress: { groups_done: Number(row.groups_done), groups: Number(row.groups) },
  };
  if (row.started_at !== null) record.started_at = iso(row.started_at);
  if (row.finished_at !== null) record.finished_at = iso(row.finished_at);
  if (row.error_code !== null) record.error = { code: row.error_code, message: row.error_message ?? '' };
  if (row.result !== null) record.result = row.result;
  return record;
}

/** The record of `row`, or undefined when there is none or it finished longer than `ttlMs` ago (kept until the next eviction). */
export function liveJobRecord(row: JobRow | undefined, ttlMs: number): JobRecord | undefined {
  if (!row || (row.finished_at !== null && Number(row.finished_at) < Date.now() - ttlMs)) return undefined;
  return fromJobRow(row);
}

/** The columns a finished job's outcome is stored in. */
export function outcomeColumns(outcome: JobOutcome): { status: 'done' | 'failed'; result: string | null; code: string | null; message: string | null } {
  if ('error' in outcome) return { status: 'failed', result: null, code: outcome.error.code, message: outcome.error.message };
  return { status: 'done', result: outcome.result, code: null, message: null };
}
