import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { freePort, waitFor } from '@sessiond/test-utils';
import { exitOf, onLines, track } from './children';

/** The project's TACACS+ server (`sessiond-tacacs-server`), built by `tsc -b`. */
export const TACACS_SERVER_CLI = join(
  __dirname,
  '..',
  '..',
  'packages',
  'tacacs-server',
  'dist',
  'cli',
  'server-cli.js',
);

/** One finished TACACS+ request, as the server logs it. */
export interface TacacsRequest {
  /** performance.now() when the log line arrived. */
  readonly at: number;
  readonly kind: string;
  readonly result: string;
}

/**
 * The project's TACACS+ server as its own process, so a case can kill it (SIGKILL: the kernel resets
 * its connections, like a crashed server), freeze it (SIGSTOP: connections open, nothing answered),
 * and start it again on the same port.
 */
export class TacacsProcess {
  readonly requests: TacacsRequest[] = [];
  private child: ChildProcess | undefined;

  private constructor(
    readonly port: number,
    private readonly usersFile: string,
    private readonly keyFile: string,
  ) {}

  static async start(usersFile: string, keyFile: string): Promise<TacacsProcess> {
    if (!existsSync(TACACS_SERVER_CLI)) {
      throw new Error(`${TACACS_SERVER_CLI} is missing: run \`npx tsc -b\` first`);
    }
    const server = new TacacsProcess(await freePort(), usersFile, keyFile);
    await server.restart();
    return server;
  }

  /** `127.0.0.1:<port>`, as TACACS_SERVERS lists it. */
  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.child !== undefined;
  }

  /** Authentications this server finished at or after `since` (performance.now()). */
  authentications(since = 0): number {
    return this.requests.filter((r) => r.kind === 'authentication' && r.at >= since).length;
  }

  /** Starts the server (again) on its port and waits until it listens. */
  async restart(): Promise<void> {
    if (this.child !== undefined) return;
    const child = spawn(
      process.execPath,
      [TACACS_SERVER_CLI, '--users', this.usersFile, '--key-file', this.keyFile, '--port', String(this.port)],
      { env: { PATH: process.env['PATH'] ?? '' }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    track(child);
    this.child = child;
    let listening = false;
    const stderr: string[] = [];
    onLines(child.stdout, (line) => {
      if (line.includes('sessiond-tacacs-server listening')) listening = true;
      const match = /^\S+ (\w+) user=.* result=(\S+) remote=/.exec(line);
      if (match !== null)
        this.requests.push({ at: performance.now(), kind: match[1] ?? '', result: match[2] ?? '' });
    });
    onLines(child.stderr, (line) => stderr.push(line));
    const exited = exitOf(child).then(() => {
      if (this.child === child) this.child = undefined;
    });
    await waitFor(
      () => {
        if (this.child !== child) throw new Error(`exited: ${stderr.join(' | ')}`);
        return listening;
      },
      { timeoutMs: 10_000, message: `the TACACS+ server on port ${this.port}` },
    ).catch(async (error: unknown) => {
      child.kill('SIGKILL');
      await exited;
      throw error;
    });
  }

  /** Kills the process outright (SIGKILL) and waits until it is gone. */
  async kill(): Promise<void> {
    const child = this.child;
    if (child === undefined) return;
    child.kill('SIGKILL');
    await exitOf(child);
    this.child = undefined;
  }

  /** Freezes the process: the kernel still accepts connections, the server answers nothing. */
  freeze(): void {
    this.child?.kill('SIGSTOP');
  }

  thaw(): void {
    this.child?.kill('SIGCONT');
  }
}
