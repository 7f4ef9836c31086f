/**
 * Running claimed jobs for a store that claims by polling (SQLite): claim
 * while fewer than `concurrency` run, renew each claim's lease at a third of
 * its length, and give back a job whose run ends without finishing it.
 */
import type { ClaimedJob, JobError } from './job-store.ts';

export interface ClaimLoopOptions {
  concurrency: number;
  leaseMs: number;
  pollMs: number;
  onError?: (error: Error) => void;
  claim(): Promise<{ id: string; request: string } | undefined>;
  /** False when the claim was lost (another process took the job). */
  renew(id: string): Promise<boolean>;
  release(id: string): Promise<void>;
  /** As `release`, without counting the claim as an attempt. */
  postpone(id: string): Promise<void>;
  progress(id: string, groupsDone: number): Promise<void>;
  finish(id: string, outcome: { result: string } | { error: JobError }): Promise<void>;
}

export function createClaimLoop(options: ClaimLoopOptions) {
  const running = new Map<string, { controller: AbortController; done: Promise<void> }>();
  const report = (error: unknown) => options.onError?.(error instanceof Error ? error : new Error(String(error)));
  let run: ((job: ClaimedJob) => Promise<void>) | undefined;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let polling = false;

  async function poll(): Promise<void> {
    if (!run || stopped || polling) return;
    polling = true;
    try {
      while (!stopped && running.size < options.concurrency) {
        const job = await options.claim();
        if (!job) break;
        start(job);
      }
    } catch (error) {
      report(error);
    } finally {
      polling = false;
    }
  }

  function start({ id, request }: { id: string; request: string }): void {
    const controller = new AbortController();
    let finished = false;
    const lease = setInterval(() => {
      options.renew(id).then((held) => held || controller.abort(new Error('claim lost')), report);
    }, options.leaseMs / 3);
    const job: ClaimedJob = {
      id,
      request,
      signal: controller.signal,
      progress: (done) => options.progress(id, done),
      async finish(outcome) {
        await options.finish(id, outcome);
        finished = true;
      },
      async postpone() {
        await options.postpone(id);
        finished = true;
      },
    };
    const done = run!(job)
      .catch(report)
      .then(() => (finished || controller.signal.reason?.message === 'claim lost' ? undefined : options.release(id)))
      .catch(report)
      .finally(() => {
        clearInterval(lease);
        running.delete(id);
        void poll();
      });
    running.set(id, { controller, done });
  }

  return {
    start(handler: (job: ClaimedJob) => Promise<void>) {
      run = handler;
      timer = setInterval(() => void poll(), options.pollMs);
      timer.unref();
      void poll();
    },
    /** Something was queued here: claim now rather than at the next poll. */
    wake: () => void poll(),
    async stop() {
      stopped = true;
      clearInterval(timer);
      for (const { controller } of running.values()) controller.abort(new Error('stopping'));
      await Promise.all([...running.values()].map((r) => r.done));
    },
  };
}
