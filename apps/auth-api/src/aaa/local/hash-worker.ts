import { execFileSync } from 'node:child_process';
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { parentPort } from 'node:worker_threads';
import { verifyPasswordSync } from '@sessiond/passwords';

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
// for tens of milliseconds, so this thread gives way to everything else. Linux schedules threads
// individually: SCHED_IDLE runs it only on CPU time nothing else wants, so the event loop (token
// validations) and Redis come first. Measured on 2 cores: a busy loop at nice 19 still cost token
// validation ~35 % of its throughput, under SCHED_IDLE ~10 %. Under a load that keeps every core
// busy, logins wait for spare CPU: validations first is the intended order.
lowerPriority();
parentPort?.on('message', (task: HashTask) => {
  let result: HashResult;
  try {
    result = { id: task.id, ok: verifyPasswordSync(task.password, task.encoded) };
  } catch (error) {
    result = { id: task.id, ok: false, error: (error as Error).message };
  }
  parentPort?.postMessage(result);
});

function lowerPriority(): void {
  let tid: number;
  try {
    tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (!Number.isInteger(tid) || tid <= 0) return;
    setPriority(tid, 19);
  } catch {
    return; // Not Linux (no /proc/thread-self): the thread keeps the process's priority.
  }
  try {
    // No Node API sets a thread's scheduling policy; util-linux's chrt does (any user may lower
    // its own threads to SCHED_IDLE). Without chrt the thread stays at nice 19.
    execFileSync('chrt', ['--idle', '--pid', '0', String(tid)], { stdio: 'ignore', timeout: 5000 });
  } catch {
    // chrt missing or refused: nice 19 only.
  }
}
