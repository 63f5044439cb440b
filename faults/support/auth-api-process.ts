import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { freePort, waitFor } from '@sessiond/test-utils';
import { exitOf, onLines, track } from './children';

/** The built auth-api, exactly what production runs (`npm run test:faults` builds first). */
export const AUTH_API_MAIN = join(__dirname, '..', '..', 'apps', 'auth-api', 'dist', 'main.js');

const PINO_WARN = 40;
const KEPT_LINES = 300;

export interface ApiExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** performance.now() when the exit was seen. */
  readonly at: number;
}

/** One auth-api process: its port, its log, its exit. */
export class AuthApiProcess {
  /** Every warn/error/fatal log line, and the last lines of any level. */
  readonly problems: string[] = [];
  readonly recent: string[] = [];
  readonly stderr: string[] = [];
  readonly exited: Promise<ApiExit>;
  private exit: ApiExit | undefined;

  private constructor(
    readonly child: ChildProcess,
    readonly port: number,
    readonly env: Readonly<Record<string, string>>,
  ) {
    onLines(child.stdout, (line) => {
      this.recent.push(line);
      if (this.recent.length > KEPT_LINES) this.recent.shift();
      const level = /"level":(\d+)/.exec(line);
      if (level === null || Number(level[1]) >= PINO_WARN) this.problems.push(line);
    });
    onLines(child.stderr, (line) => this.stderr.push(line));
    this.exited = exitOf(child).then(({ code, signal }) => {
      this.exit = { code, signal, at: performance.now() };
      return this.exit;
    });
  }

  /** Starts `node apps/auth-api/dist/main.js` with `env` on a free port and waits until /healthz answers. */
  static async start(env: Readonly<Record<string, string>>): Promise<AuthApiProcess> {
    if (!existsSync(AUTH_API_MAIN)) {
      throw new Error(`${AUTH_API_MAIN} is missing: run \`npx tsc -b\` (npm run test:faults does it first)`);
    }
    const port = await freePort();
    const fullEnv = {
      PORT: String(port),
      HOST: '127.0.0.1',
      MANAGEMENT_PORT: '0',
      USER_TAG_SECRET: 'test-user-tag-secret-0123456789',
      ...env,
    };
    const child = spawn(process.execPath, [AUTH_API_MAIN], {
      env: { PATH: process.env['PATH'] ?? '', ...fullEnv },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    track(child);
    const api = new AuthApiProcess(child, port, fullEnv);
    try {
      await waitFor(
        async () => {
          if (api.exit !== undefined) throw new Error(`exited with ${api.exit.code ?? api.exit.signal}`);
          const res = await fetch(`${api.url}/healthz`, { signal: AbortSignal.timeout(1000) });
          return res.status === 200;
        },
        { timeoutMs: 20_000, message: `the auth-api on port ${port} (stderr: ${api.stderr.join(' | ')})` },
      );
    } catch (error) {
      child.kill('SIGKILL');
      throw error;
    }
    return api;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Whether the process still runs (it never restarts itself: a new pid would be a new process). */
  get running(): boolean {
    return this.exit === undefined;
  }

  signal(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }

  /** The log lines (JSON) whose `msg` is `message`. */
  logged(message: string): string[] {
    return [...this.problems, ...this.recent].filter((line) => line.includes(`"msg":"${message}"`));
  }

  /** Stops the process (SIGTERM, then SIGKILL if it has not exited after 15 s). */
  async stop(): Promise<void> {
    if (this.exit !== undefined) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 15_000);
    await this.exited;
    clearTimeout(timer);
  }
}
