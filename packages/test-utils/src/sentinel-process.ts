import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findBinary } from './binaries';
import { track } from './child-registry';
import { freePort } from './free-port';
import { pingWith, type RedisAccess } from './redis-probe';
import { waitFor } from './wait';

/**
 * One `redis-server <file> --sentinel` child process on 127.0.0.1, with its own folder: Sentinel
 * rewrites its configuration file as it learns, so the file is its own and writable.
 */
export class SentinelProcess {
  readonly host = '127.0.0.1';
  private child: ChildProcess | undefined;

  private constructor(
    readonly port: number,
    readonly dir: string,
    private readonly access: RedisAccess,
  ) {}

  /**
   * Starts a Sentinel whose configuration is `config(port, dir)` (the lines after `port`, `bind`,
   * `dir` and `logfile`, which this adds), and waits until it answers PING with `access`.
   */
  static async start(
    config: (port: number, dir: string) => readonly string[],
    access: RedisAccess,
  ): Promise<SentinelProcess> {
    let lastError: unknown;
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const port = await freePort();
      const dir = mkdtempSync(join(tmpdir(), `sessiond-sentinel-${port}-`));
      const lines = config(port, dir);
      // With TLS the configuration closes the plain port and opens tls-port instead.
      const base = lines.some((line) => line.startsWith('tls-port ')) ? [] : [`port ${port}`];
      writeFileSync(
        join(dir, 'sentinel.conf'),
        [...base, 'bind 127.0.0.1', `dir ${dir}`, `logfile ${join(dir, 'sentinel.log')}`, ...lines, ''].join(
          '\n',
        ),
      );
      const sentinel = new SentinelProcess(port, dir, access);
      try {
        await sentinel.resume();
        return sentinel;
      } catch (error) {
        lastError = error;
        await sentinel.destroy();
      }
    }
    throw lastError instanceof Error ? lastError : new Error('redis-server --sentinel did not start');
  }

  get address(): string {
    return `${this.host}:${this.port}`;
  }

  /** (Re)starts the process with its folder and configuration, and waits until it answers. */
  async resume(): Promise<void> {
    if (this.child !== undefined) return;
    const child = spawn(findBinary('redis-server'), [join(this.dir, 'sentinel.conf'), '--sentinel'], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    track(child);
    // A configuration error is printed to stderr before any log file is opened.
    let stderr = '';
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-2000);
    });
    this.child = child;
    let exited = false;
    child.once('exit', () => {
      exited = true;
      if (this.child === child) this.child = undefined;
    });
    const answers = pingWith(this.access);
    try {
      await waitFor(
        async () => {
          if (exited) {
            throw new Error(`redis-server --sentinel exited at start-up: ${stderr.trim() || this.logTail()}`);
          }
          return answers(this.host, this.port);
        },
        { timeoutMs: 10_000, message: `the Sentinel on port ${this.port}` },
      );
    } catch (error) {
      child.kill('SIGKILL');
      throw error;
    }
  }

  /** Stops the process and waits for it to exit. */
  stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const child = this.child;
    if (child === undefined) return Promise.resolve();
    return new Promise((resolve) => {
      child.once('exit', () => resolve());
      child.kill(signal);
    });
  }

  async destroy(): Promise<void> {
    await this.stop('SIGKILL');
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** The last lines of its log (`+switch-master`, `+sdown` …), for a failed test's message. */
  logTail(lines = 5): string {
    try {
      return readFileSync(join(this.dir, 'sentinel.log'), 'utf8')
        .trimEnd()
        .split('\n')
        .slice(-lines)
        .join(' | ');
    } catch {
      return '(no log)';
    }
  }
}
