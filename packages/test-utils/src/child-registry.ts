import type { ChildProcess } from 'node:child_process';

// Every server a test starts is killed when the test process exits, even when a test forgot its
// teardown or jest killed the worker: "stop them always".
const live = new Set<ChildProcess>();
let hooked = false;

/** Kills `child` when this process exits, if it is still running then. */
export function track(child: ChildProcess): void {
  live.add(child);
  child.once('exit', () => live.delete(child));
  if (!hooked) {
    hooked = true;
    process.once('exit', () => {
      for (const proc of live) proc.kill('SIGKILL');
    });
  }
}
