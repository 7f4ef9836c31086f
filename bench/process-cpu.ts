/**
 * CPU time of a process and of its descendants, from /proc (Linux): how the
 * load's CPU splits between the HTTP process and its workers, which bounds
 * what a second worker can add on a machine with two cores.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

const TICKS_PER_SEC = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;

interface Stat {
  ppid: number;
  /** User plus system CPU, in ms: its own and that of the children it has waited for (short-lived ones, such as a test's). */
  cpuMs: number;
}

function stat(pid: number): Stat | undefined {
  try {
    // The command name is in parentheses and may hold spaces: the fields that follow it are split.
    const text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
    return { ppid: Number(fields[1]), cpuMs: (ticks * 1000) / TICKS_PER_SEC };
  } catch {
    return undefined; // gone in between
  }
}

/** CPU ms so far of `pid` itself and of all its live descendants. */
export function treeCpu(pid: number): { self: number; descendants: number } {
  const byParent = new Map<number, number[]>();
  const cpu = new Map<number, number>();
  for (const entry of fs.readdirSync('/proc')) {
    const child = Number(entry);
    if (!Number.isInteger(child)) continue;
    const s = stat(child);
    if (!s) continue;
    cpu.set(child, s.cpuMs);
    let siblings = byParent.get(s.ppid);
    if (!siblings) byParent.set(s.ppid, (siblings = []));
    siblings.push(child);
  }
  let descendants = 0;
  const stack = [...(byParent.get(pid) ?? [])];
  while (stack.length > 0) {
    const next = stack.pop()!;
    descendants += cpu.get(next) ?? 0;
    stack.push(...(byParent.get(next) ?? []));
  }
  return { self: cpu.get(pid) ?? 0, descendants };
}

export interface CpuSplit {
  /** HTTP process, workers and this (load-generating) process, in CPU ms. */
  http: number;
  workers: number;
  load: number;
}

/** Runs `work` and returns the CPU it cost the server tree rooted at `pid` and this process. */
export async function measureCpu<T>(pid: number, work: () => Promise<T>): Promise<{ result: T; cpu: CpuSplit }> {
  const before = treeCpu(pid);
  const own = process.cpuUsage();
  const result = await work();
  const used = process.cpuUsage(own);
  const after = treeCpu(pid);
  return {
    result,
    cpu: { http: after.self - before.self, workers: after.descendants - before.descendants, load: (used.user + used.system) / 1000 },
  };
}
