import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..', '..', '..');
const APP = join(ROOT, 'apps', 'sweeper');

/** The real sweeper (src/main.ts under ts-node) as a child process, its stdout parsed as JSON lines. */
export interface SweeperProcess {
  readonly child: ChildProcess;
  /** Parsed stdout lines so far. */
  readonly lines: Record<string, unknown>[];
  stderr(): string;
  /** Session ids of the `session.expired` events so far. */
  expiredIds(): string[];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function spawnSweeper(env: Record<string, string>): SweeperProcess {
  const child = spawn(
    process.execPath,
    [
      '-r',
      'ts-node/register/transpile-only',
      '-r',
      join(__dirname, 'source-paths.ts'),
      join(APP, 'src', 'main.ts'),
    ],
    {
      cwd: ROOT,
      // Only what the child needs: no variable of the test environment leaks into its config.
      env: { PATH: process.env['PATH'] ?? '', TS_NODE_PROJECT: join(APP, 'tsconfig.json'), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const lines: Record<string, unknown>[] = [];
  let partial = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    const parts = (partial + chunk).split('\n');
    partial = parts.pop() ?? '';
    for (const line of parts) if (line !== '') lines.push(JSON.parse(line) as Record<string, unknown>);
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('close', (code, signal) => resolve({ code, signal }));
  });
  // Never leave a sweeper behind, even when a test fails half-way.
  const kill = (): void => void child.kill('SIGKILL');
  process.once('exit', kill);
  void exited.then(() => process.off('exit', kill));
  return {
    child,
    lines,
    stderr: () => stderr,
    expiredIds: () => lines.filter((l) => l['msg'] === 'session.expired').map((l) => String(l['session_id'])),
    exited,
  };
}
