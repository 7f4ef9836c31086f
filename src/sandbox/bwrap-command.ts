/**
 * The bubblewrap command line the Python fork server runs under: every
 * namespace unshared (no network), a read-only root holding only /usr (no
 * /etc, no home, no repo) and a read-only /dev, an empty environment, no
 * controlling terminal (no terminal injection), and the sandbox dies with its
 * parent. The server mounts each job's writable /tmp and /dev/shm itself.
 */
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { limits, limitsJson } from './limits.ts';
import type { SandboxOptions } from './options.ts';

const serverSource = fs.readFileSync(fileURLToPath(new URL('./python/fork-server.py', import.meta.url)), 'utf8');

/** On merged-/usr systems /bin, /lib... are symlinks into /usr; elsewhere they are mounted read-only. */
function topLevelLinks(): string[] {
  const args: string[] = [];
  for (const dir of ['/bin', '/sbin', '/lib', '/lib32', '/lib64', '/libx32']) {
    let stat: fs.Stats;
    try {
      stat = fs.lstatSync(dir);
    } catch {
      continue;
    }
    if (stat.isSymbolicLink()) args.push('--symlink', fs.readlinkSync(dir), dir);
    else if (stat.isDirectory()) args.push('--ro-bind', dir, dir);
  }
  return args;
}

export function bwrapArgs(options: SandboxOptions): string[] {
  return [
    '--unshare-all',
    '--die-with-parent',
    '--new-session',
    '--uid',
    '65534',
    '--gid',
    '65534',
    '--hostname',
    'sandbox',
    '--ro-bind',
    '/usr',
    '/usr',
    ...topLevelLinks(),
    '--proc',
    '/proc',
    '--dev',
    '/dev',
    '--size',
    String(limits.scratchBytes),
    '--tmpfs',
    '/tmp',
    '--remount-ro',
    '/dev',
    '--remount-ro',
    '/',
    '--chdir',
    '/tmp',
    '--clearenv',
    '--setenv',
    'PATH',
    '/usr/bin:/bin',
    '--setenv',
    'LANG',
    'C.UTF-8',
    '--setenv',
    'HOME',
    '/tmp',
    '--setenv',
    'PYTHONIOENCODING',
    'utf-8',
    '--',
    options.pythonPath,
    '-I',
    '-c',
    serverSource,
    limitsJson,
  ];
}

/**
 * Run as root, the sandbox would be root outside it too, exempt from the
 * process limit; so each sandbox slot gets its own unprivileged uid, which
 * also keeps one slot's fork bomb from exhausting another slot's limit.
 */
export function sandboxUid(): number | undefined {
  return process.getuid?.() === 0 ? 100_000 + process.pid : undefined;
}

const SHARED_UID_SLACK = 256; // threads the server's own processes may add after the count

/**
 * RLIMIT_NPROC counts every process and thread of the real uid. With a uid of
 * its own, a test may have `maxProcesses`; sharing the server's uid (not run
 * as root), the limit sits above what that uid already runs.
 */
export function processLimit(maxProcesses: number): number {
  if (sandboxUid() !== undefined) return maxProcesses;
  const uid = process.getuid?.();
  let tasks = 0;
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (fs.statSync(`/proc/${entry}`).uid === uid) tasks += fs.readdirSync(`/proc/${entry}/task`).length;
    } catch {
      // the process ended while we looked
    }
  }
  return tasks + SHARED_UID_SLACK + maxProcesses;
}
