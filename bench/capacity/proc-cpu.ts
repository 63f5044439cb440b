import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';

// CPU time from /proc (proc(5)): per process from /proc/<pid>/stat, for the machine from /proc/stat.

/** sysconf(_SC_CLK_TCK): the unit of the times in /proc/<pid>/stat and /proc/stat; 100 on Linux. */
const TICKS_PER_S = clockTicks();

interface ProcStat {
  readonly ppid: number;
  /** utime + stime: the process's own CPU time, all threads, in µs. */
  readonly cpuUs: number;
  /** cutime + cstime: CPU time of its children that have exited and been waited for, in µs. */
  readonly reapedUs: number;
}

function readStat(pid: number | string): ProcStat {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Field 2, the command name, is in parentheses and may hold spaces: count from the last ')'.
  // The rest starts at field 3 (state): ppid is field 4, utime 14, stime 15, cutime 16, cstime 17.
  const f = stat
    .slice(stat.lastIndexOf(')') + 2)
    .split(' ')
    .map(Number);
  const field = (n: number): number => f[n - 3] ?? NaN;
  const us = (ticks: number): number => (ticks * 1e6) / TICKS_PER_S;
  return { ppid: field(4), cpuUs: us(field(14) + field(15)), reapedUs: us(field(16) + field(17)) };
}

/**
 * CPU time a process has used so far (user + system, all its threads), in µs. A delta over a load,
 * divided by the requests served, is the process's CPU cost per request.
 */
export function processCpuUs(pid: number): number {
  const { cpuUs } = readStat(pid);
  if (!Number.isFinite(cpuUs)) throw new Error(`cannot read utime and stime from /proc/${pid}/stat`);
  return cpuUs;
}

/** Busy CPU time of the whole machine so far (all but idle and iowait; steal counts), in µs. */
export function machineCpuUs(): number {
  const [, user, nice, system, , , irq, softirq, steal] =
    readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]?.trim().split(/\s+/).map(Number) ?? [];
  return (
    (((user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0) + (steal ?? 0)) * 1e6) /
    TICKS_PER_S
  );
}

/**
 * CPU time of this process and everything it started (Redis, the auth-api, the TACACS+ server,
 * autocannon), in µs: live descendants from /proc, exited ones through their parents' cutime.
 */
export function ownTreeCpuUs(): number {
  const stats = new Map<number, ProcStat>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      stats.set(Number(entry), readStat(entry));
    } catch {
      // The process ended while the folder was read.
    }
  }
  let total = 0;
  const queue = [process.pid];
  for (let pid = queue.pop(); pid !== undefined; pid = queue.pop()) {
    const stat = stats.get(pid);
    if (stat !== undefined) total += stat.cpuUs + stat.reapedUs;
    for (const [child, s] of stats) if (s.ppid === pid) queue.push(child);
  }
  return total;
}

/** Measures, over a window, how many cores processes other than ours kept busy (other work on a shared machine). */
export function otherLoad(): () => number {
  const started = performance.now();
  const machine = machineCpuUs();
  const own = ownTreeCpuUs();
  return () => {
    const other = machineCpuUs() - machine - (ownTreeCpuUs() - own);
    return Math.max(0, other) / ((performance.now() - started) * 1000);
  };
}

function clockTicks(): number {
  try {
    const value = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    return Number.isInteger(value) && value > 0 ? value : 100;
  } catch {
    return 100;
  }
}
