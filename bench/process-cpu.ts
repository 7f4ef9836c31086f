/**
 * CPU time of a process and of its descendants, from /proc (Linux): how the
 * load's CPU splits between the HTTP process and its workers, which bounds
 * what a second worker can add on a machine with two cores.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

const TICKS_PER_SEC = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;

export interface ProcStat {
  pid: number;
  ppid: number;
  /** User plus system CPU, in ms: its own and that of the children it has waited for (short-lived ones, such as a test's). */
  cpuMs: number;
}

function procStat(pid: number): ProcStat | undefined {
  try {
    // The command name is in parentheses and may hold spaces: the fields that follow it are split.
    const text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
    return { pid, ppid: Number(fields[1]), cpuMs: (ticks * 1000) / TICKS_PER_SEC };
  } catch {
    return undefined; // gone in between
  }
}

/** `root` and its live descendants, found by parent (bubblewrap calls setsid: its processes leave the process group). */
export function processTree(root: number): ProcStat[] {
  const byParent = new Map<number, ProcStat[]>();
  let found: ProcStat[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    const s = procStat(pid);
    if (!s) continue;
    if (pid === root) found = [s];
    const siblings = byParent.get(s.ppid);
    if (siblings) siblings.push(s);
    else byParent.set(s.ppid, [s]);
  }
  for (let i = 0; i < found.length; i++) found.push(...(byParent.get(found[i].pid) ?? []));
  return found;
}

/** CPU ms so far of `pid` itself and of all its live descendants. */
export function treeCpu(pid: number): { self: number; descendants: number } {
  const [self, ...descendants] = processTree(pid);
  return { self: self?.cpuMs ?? 0, descendants: descendants.reduce((n, p) => n + p.cpuMs, 0) };
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
