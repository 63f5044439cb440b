import type { ChildProcess } from 'node:child_process';

// Every process a case starts is killed when the test process exits (test-utils' `track`), even when
// a case failed before its teardown: no stray auth-api or TACACS+ server outlives the suite.
export { track } from '@sessiond/test-utils';

/** Resolves with the exit code and signal once `child` has exited (at once if it already has). */
export function exitOf(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  }
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
}

/** Splits a child's output into lines and hands each complete line to `onLine`. */
export function onLines(stream: NodeJS.ReadableStream | null, onLine: (line: string) => void): void {
  let rest = '';
  stream?.setEncoding('utf8');
  stream?.on('data', (chunk: string) => {
    const lines = (rest + chunk).split('\n');
    rest = lines.pop() ?? '';
    for (const line of lines) if (line !== '') onLine(line);
  });
  stream?.on('end', () => {
    if (rest !== '') onLine(rest);
    rest = '';
  });
}
