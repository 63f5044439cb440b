import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findBinary } from './binaries';
import { track } from './child-registry';
import { freePort } from './free-port';
import { waitFor } from './wait';

/**
 * Real reverse proxies in front of the service under test (issue 14): Debian's `nginx` and `caddy`
 * binaries as child processes on free loopback ports, each with its own folder for configuration,
 * pid, logs and temporary files (nothing under /etc, /var or $HOME, no port 80, no admin port).
 * Ready when the port accepts a connection; stopped with SIGTERM, waiting for the exit.
 */
export class ProxyProcess {
  readonly host = '127.0.0.1';
  private stderr = '';
  private exited = false;

  private constructor(
    readonly name: string,
    readonly port: number,
    readonly dir: string,
    private readonly child: ChildProcess,
  ) {
    track(child);
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      this.stderr = (this.stderr + chunk).slice(-4000);
    });
    child.once('exit', () => (this.exited = true));
  }

  /**
   * Starts `binary args(port, dir)` after `prepare(port, dir)` wrote its configuration, retrying on
   * another free port when the one picked was taken meanwhile.
   */
  static async start(
    name: string,
    prepare: (port: number, dir: string) => { args: readonly string[]; env?: NodeJS.ProcessEnv },
  ): Promise<ProxyProcess> {
    let binary: string;
    try {
      binary = findBinary(name);
    } catch {
      throw new Error(
        `\`${name}\` was not found on PATH: install Debian's nginx-light and caddy (bash .ci/run does)`,
      );
    }
    let lastError: unknown;
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const port = await freePort();
      const dir = mkdtempSync(join(tmpdir(), `sessiond-${name}-${port}-`));
      const { args, env } = prepare(port, dir);
      const child = spawn(binary, args, {
        cwd: dir,
        stdio: ['ignore', 'ignore', 'pipe'],
        ...(env !== undefined ? { env } : {}),
      });
      const proxy = new ProxyProcess(name, port, dir, child);
      try {
        await waitFor(
          async () => {
            if (proxy.exited) throw new Error(`${name} exited at start-up: ${proxy.logTail()}`);
            return accepts(proxy.host, port);
          },
          { timeoutMs: 15_000, message: `${name} on port ${port}` },
        );
        return proxy;
      } catch (error) {
        lastError = error;
        await proxy.destroy();
      }
    }
    throw lastError instanceof Error ? lastError : new Error(`${name} did not start`);
  }

  get url(): string {
    return `http://${this.host}:${this.port}`;
  }

  /** The last lines the process wrote to stderr (its error log), for a failed test's message. */
  logTail(): string {
    return this.stderr.trim().split('\n').slice(-8).join(' | ') || '(nothing on stderr)';
  }

  /** SIGTERM, then waits for the exit (SIGKILL if it has not exited 10 s later). */
  stop(): Promise<void> {
    if (this.exited || this.child.exitCode !== null || this.child.signalCode !== null) {
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const kill = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
      this.child.once('exit', () => {
        clearTimeout(kill);
        resolve();
      });
      this.child.kill('SIGTERM');
    });
  }

  async destroy(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/**
 * nginx (`daemon off`, one process) with `http` as the body of its `http {}` block: a test's
 * `upstream` and `server` blocks, `listen`ing on the port given. Temporary files, pid and access log
 * live in the process's folder; the error log goes to stderr.
 */
export function startNginx(http: (port: number) => string): Promise<ProxyProcess> {
  return ProxyProcess.start('nginx', (port, dir) => {
    for (const sub of ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) mkdirSync(join(dir, sub));
    const config = [
      'daemon off;',
      // One process serving as the current user (root in CI): no workers to switch to `nobody`, who
      // could not read this private folder.
      'master_process off;',
      `pid ${join(dir, 'nginx.pid')};`,
      'error_log stderr warn;',
      'events { worker_connections 256; }',
      'http {',
      `  access_log ${join(dir, 'access.log')};`,
      `  client_body_temp_path ${join(dir, 'client_body')};`,
      `  proxy_temp_path ${join(dir, 'proxy')};`,
      `  fastcgi_temp_path ${join(dir, 'fastcgi')};`,
      `  uwsgi_temp_path ${join(dir, 'uwsgi')};`,
      `  scgi_temp_path ${join(dir, 'scgi')};`,
      http(port),
      '}',
      '',
    ].join('\n');
    writeFileSync(join(dir, 'nginx.conf'), config);
    // -e: the error log before the configuration is read (1.19.5+), else /var/log/nginx/error.log.
    return { args: ['-p', `${dir}/`, '-c', join(dir, 'nginx.conf'), '-e', 'stderr'] };
  });
}

/**
 * Caddy with `sites` (a Caddyfile without its global options block) on the port given, and the
 * global options of a test: no admin endpoint (port 2019), no automatic HTTPS (ports 80 and 443,
 * certificates), a bounded shutdown; its data and configuration folders are the process's own.
 */
export function startCaddy(sites: (port: number) => string): Promise<ProxyProcess> {
  return ProxyProcess.start('caddy', (port, dir) => {
    // (`persist_config off` is Caddy 2.7+; 2.6 autosaves into XDG_CONFIG_HOME, the process's folder.)
    const global = ['{', '\tadmin off', '\tauto_https off', '\tgrace_period 2s', '}'];
    writeFileSync(join(dir, 'Caddyfile'), [...global, '', sites(port), ''].join('\n'));
    return {
      args: ['run', '--config', join(dir, 'Caddyfile'), '--adapter', 'caddyfile'],
      // The inherited environment (PATH), with the child's own folders.
      env: {
        ...process.env, // eslint-disable-line no-restricted-properties -- passed on, not configuration
        HOME: dir,
        XDG_DATA_HOME: join(dir, 'data'),
        XDG_CONFIG_HOME: join(dir, 'config'),
      },
    };
  });
}

/** A request as the echo upstream received it. */
export interface EchoedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
}

/** The service behind a proxy in a test: answers 200 with JSON of what it received. */
export interface EchoUpstream {
  readonly host: string;
  readonly port: number;
  /** Every request received so far, oldest first. */
  readonly requests: readonly EchoedRequest[];
  close(): Promise<void>;
}

/** Starts an in-process node:http echo server on a free loopback port. */
export function startEchoUpstream(host = '127.0.0.1'): Promise<EchoUpstream> {
  const requests: EchoedRequest[] = [];
  const server = createServer((req, res) => {
    const seen: EchoedRequest = { method: req.method ?? '', url: req.url ?? '', headers: req.headers };
    requests.push(seen);
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(seen));
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      if (address === null || typeof address === 'string') {
        reject(new Error('echo upstream: no port'));
        return;
      }
      resolve({
        host,
        port: address.port,
        requests,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}

/** True when host:port accepts a TCP connection. */
function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}
