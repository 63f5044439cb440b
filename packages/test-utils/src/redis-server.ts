import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findBinary } from './binaries';
import { track } from './child-registry';
import { freePort } from './free-port';
import { ping } from './ping';
import { waitFor } from './wait';

export interface RedisServerOptions {
  /** Fixed port; a free one is picked when omitted. */
  readonly port?: number;
  /** Append-only persistence (for restart tests); off by default. */
  readonly appendOnly?: boolean;
  /** Extra command-line arguments for redis-server. */
  readonly extraArgs?: readonly string[];
  /**
   * Whether the server answers yet (default: a PING without credentials over plain TCP); servers
   * that need a password or speak only TLS bring their own check (redis-probe.ts).
   */
  readonly ready?: (host: string, port: number) => Promise<boolean>;
}

/**
 * A real `redis-server` child process on 127.0.0.1, with its own data folder. It can be stopped and
 * started again on the same port and data (to test outages and persistence).
 */
export class RedisServer {
  readonly host = '127.0.0.1';
  private child: ChildProcess | undefined;

  private constructor(
    readonly port: number,
    readonly dir: string,
    private readonly args: readonly string[],
    private readonly ready: (host: string, port: number) => Promise<boolean> = ping,
  ) {}

  static async start(options: RedisServerOptions = {}): Promise<RedisServer> {
    const binary = findBinary('redis-server');
    let lastError: unknown;
    // A free port can be taken between the probe and the bind; try a few.
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const port = options.port ?? (await freePort());
      const dir = mkdtempSync(join(tmpdir(), `sessiond-redis-${port}-`));
      const args = [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--dir',
        dir,
        '--save',
        '',
        '--appendonly',
        options.appendOnly === true ? 'yes' : 'no',
        '--appendfsync',
        'always',
        '--daemonize',
        'no',
        '--loglevel',
        'warning',
        '--logfile',
        join(dir, 'redis.log'),
        ...(options.extraArgs ?? []),
      ];
      const server = new RedisServer(port, dir, [binary, ...args], options.ready);
      try {
        await server.resume();
        return server;
      } catch (error) {
        lastError = error;
        await server.destroy();
        if (options.port !== undefined) break;
      }
    }
    throw lastError instanceof Error ? lastError : new Error('redis-server did not start');
  }

  get url(): string {
    return `redis://${this.host}:${this.port}`;
  }

  get running(): boolean {
    return this.child !== undefined;
  }

  /** (Re)starts the process on the same port and data folder and waits until it answers PING. */
  async resume(): Promise<void> {
    if (this.child !== undefined) return;
    const [binary, ...args] = this.args;
    const child = spawn(binary ?? 'redis-server', args, { stdio: 'ignore' });
    track(child);
    this.child = child;
    let exited = false;
    child.once('exit', () => {
      exited = true;
      if (this.child === child) this.child = undefined;
    });
    try {
      await waitFor(
        async () => {
          if (exited) throw new Error(`redis-server exited at start-up: ${this.logTail()}`);
          return this.ready(this.host, this.port);
        },
        { timeoutMs: 10_000, message: `redis-server on port ${this.port}` },
      );
    } catch (error) {
      child.kill('SIGKILL');
      throw error;
    }
  }

  /** Stops the process (SIGTERM: Redis flushes its append-only file) and waits for it to exit. */
  stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const child = this.child;
    if (child === undefined) return Promise.resolve();
    return new Promise((resolve) => {
      child.once('exit', () => resolve());
      child.kill(signal);
    });
  }

  /** Freezes the process (SIGSTOP): connections stay open but nothing is answered, like a hung server. */
  pause(): void {
    this.child?.kill('SIGSTOP');
  }

  /** Lets a paused process run again (SIGCONT). */
  unpause(): void {
    this.child?.kill('SIGCONT');
  }

  /** Stops the process and removes its data folder. */
  async destroy(): Promise<void> {
    await this.stop('SIGKILL');
    rmSync(this.dir, { recursive: true, force: true });
  }

  private logTail(): string {
    try {
      return readFileSync(join(this.dir, 'redis.log'), 'utf8').split('\n').slice(-5).join(' | ');
    } catch {
      return '(no log)';
    }
  }
}
