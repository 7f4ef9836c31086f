/** The pool's deadline arithmetic (src/pool/deadline.ts) on its own: a clock and a board given as numbers, no worker. */
import { describe, expect, it } from 'vitest';
import { deadlineStep, runningIndex, type DeadlineStep, type Watched } from '../src/pool/deadline.ts';

const cells = (...timeouts: number[]) => timeouts.map((timeoutMs, i) => ({ id: i + 1, job: { timeoutMs } }));

describe('deadlineStep', () => {
  // [why, watched, now, step]
  const rows: Array<[string, Watched, number, DeadlineStep]> = [
    // the board shows cell 1 since 1000 with 500 ms: 200 left, but cell 2 (100 ms) may start unannounced any moment
    [
      'looks again before the shortest deadline after the running cell',
      { cells: cells(500, 100), board: { id: 1, startedAt: 1000 }, headSince: 0, interrupted: undefined },
      1300,
      { act: 'wait', ms: 100, interrupted: undefined },
    ],
    [
      'a running cell alone: looks again at its own deadline',
      { cells: cells(500), board: { id: 1, startedAt: 1000 }, headSince: 0, interrupted: undefined },
      1300,
      { act: 'wait', ms: 200, interrupted: undefined },
    ],
    // no board yet: the head counts from when it became the head
    [
      'times the head from headSince before the board shows it',
      { cells: cells(500), board: undefined, headSince: 1000, interrupted: undefined },
      1400,
      { act: 'wait', ms: 100, interrupted: undefined },
    ],
    [
      'the board ahead of the head: timed from the board',
      { cells: cells(500, 500), board: { id: 2, startedAt: 1400 }, headSince: 1000, interrupted: undefined },
      1600,
      { act: 'wait', ms: 300, interrupted: undefined },
    ],
    [
      'past its deadline, shown by the board: interrupted first',
      { cells: cells(500, 500), board: { id: 2, startedAt: 1000 }, headSince: 0, interrupted: undefined },
      1500,
      { act: 'interrupt', index: 1, running: { id: 2, startedAt: 1000 }, ms: 1000 },
    ],
    [
      'the same cell, same start, at the next look: killed',
      { cells: cells(500), board: { id: 1, startedAt: 1000 }, headSince: 0, interrupted: { id: 1, startedAt: 1000 } },
      2500,
      { act: 'kill', index: 0, ms: 1500 },
    ],
    // a worker that reused an id for a new start is a new cell: interrupted, not killed
    [
      'the same id started again: interrupted anew',
      { cells: cells(500), board: { id: 1, startedAt: 3000 }, headSince: 0, interrupted: { id: 1, startedAt: 1000 } },
      3600,
      { act: 'interrupt', index: 0, running: { id: 1, startedAt: 3000 }, ms: 1000 },
    ],
    [
      'past its deadline and never on the board: killed at once',
      { cells: cells(500), board: undefined, headSince: 1000, interrupted: undefined },
      1600,
      { act: 'kill', index: 0, ms: 600 },
    ],
    [
      'the interrupted cell ended and the next runs in time: the interrupt no longer stands',
      { cells: cells(500, 500), board: { id: 2, startedAt: 2000 }, headSince: 0, interrupted: { id: 1, startedAt: 1000 } },
      2100,
      { act: 'wait', ms: 400, interrupted: undefined },
    ],
  ];
  it.each(rows)('%s', (_why, watched, now, step) => {
    expect(deadlineStep(watched, now)).toEqual(step);
  });
});

// The one answer to "which cell runs": a death fails that cell (pool.ts), a deadline times it (deadlineStep).
describe('runningIndex', () => {
  // [why, board, expected]
  const rows: Array<[string, Watched['board'], ReturnType<typeof runningIndex>]> = [
    ['no board yet: the oldest unreported cell', undefined, { index: 0, shown: false }],
    ['the board names the second cell', { id: 2, startedAt: 1000 }, { index: 1, shown: true }],
    // a board still showing a cell already reported (or another chunk's) says nothing about these
    ['the board names none of them: the oldest', { id: 9, startedAt: 1000 }, { index: 0, shown: false }],
  ];
  it.each(rows)('%s', (_why, board, expected) => {
    expect(runningIndex(cells(500, 500, 500), board)).toEqual(expected);
  });
});
