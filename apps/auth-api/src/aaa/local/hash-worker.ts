import { execFileSync } from 'node:child_process';
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { verifyPasswordSync } from '@sessiond/passwords';
import type { HashPriority, HashWorkerData } from './password-verifier';

/** One password check asked of a hashing worker. */
export interface HashTask {
  readonly id: number;
  readonly password: string;
  readonly encoded: string;
}

export interface HashResult {
  readonly id: number;
  readonly ok: boolean;
  readonly error?: string;
}

// A password-checking thread (password-verifier.ts starts it): scrypt is CPU work that takes a core
// for tens of milliseconds. Linux schedules threads individually, so this thread alone takes the
// priority LOCAL_HASH_PRIORITY asks for. Measured on 2 cores: a busy hashing loop at nice 19 still
// cost token validation ~35 % of its throughput, under SCHED_IDLE ~10 %; but SCHED_IDLE only gets
// CPU time nothing else wants, so while other processes keep every core busy a check can wait
// without bound. `low` (nice 19, the default) always gets a small share of each core.
applyPriority((workerData as HashWorkerData | undefined)?.priority ?? 'low');
parentPort?.on('message', (task: HashTask) => {
  let result: HashResult;
  try {
    result = { id: task.id, ok: verifyPasswordSync(task.password, task.encoded) };
  } catch (error) {
    result = { id: task.id, ok: false, error: (error as Error).message };
  }
  parentPort?.postMessage(result);
});

function applyPriority(priority: HashPriority): void {
  if (priority === 'normal') return;
  let tid: number;
  try {
    tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (!Number.isInteger(tid) || tid <= 0) return;
    setPriority(tid, 19);
  } catch {
    return; // Not Linux (no /proc/thread-self): the thread keeps the process's priority.
  }
  if (priority !== 'idle') return;
  try {
    // No Node API sets a thread's scheduling policy; util-linux's chrt does (any user may lower
    // its own threads to SCHED_IDLE). Without chrt the thread stays at nice 19.
    execFileSync('chrt', ['--idle', '--pid', '0', String(tid)], { stdio: 'ignore', timeout: 5000 });
  } catch {
    // chrt missing or refused: nice 19 only.
  }
}
