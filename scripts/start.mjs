// @ts-check
/**
 * `npm start`: the whole sessiond stack as local processes, without Docker.
 *
 *   Redis        REDIS_URL when set, else a redis-server from PATH with its data (append-only on) in .data/redis
 *   TACACS+      the project's dev server with config/demo/tacacs-users.json (skipped when TACACS_SERVERS is set);
 *                with TACACS_TLS=true over TLS 1.3 (RFC 9887) with mutual TLS, certificates made into
 *                .data/tacacs-tls on the first start (tacacs-tls-certs.mjs)
 *   auth-api     on 127.0.0.1:8080 (PORT / HOST change it), management on 127.0.0.1:9464 (MANAGEMENT_PORT);
 *                its USER_TAG_SECRET is generated once into .data/user-tag-secret (kept across restarts)
 *   sweeper      BullMQ worker, /healthz and /metrics on 127.0.0.1:9465 (SWEEPER_PORT)
 *
 * Every variable of the README's configuration table can be set in the environment and wins over the
 * demo defaults below. Ctrl-C (or SIGTERM) stops everything in order and exits 0.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { accessSync, constants, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tacacsTlsCertificates } from './tacacs-tls-certs.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const env = process.env;
const dataDir = resolve(env['SESSIOND_DATA_DIR'] ?? join(root, '.data'));
const demo = join(root, 'config', 'demo');
const DEMO_SECRET = 'sessiond-demo-secret-change-me';

/** @typedef {{ name: string, child: import('node:child_process').ChildProcess, exited: Promise<number | null> }} Proc */
/** @type {Proc[]} */
const procs = [];
let stopping = false;

main().catch((error) => {
  process.stderr.write(`\nsessiond: ${error instanceof Error ? error.message : String(error)}\n`);
  void stopAll(1);
});

async function main() {
  mkdirSync(dataDir, { recursive: true });
  for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM']))
    process.on(signal, () => void stopAll(0));

  const redisUrl = env['REDIS_URL'] ?? (await startRedis());
  if (env['REDIS_URL'] !== undefined) await checkReachable(new URL(redisUrl), 'REDIS_URL');

  const secret = env['TACACS_SECRET'] ?? DEMO_SECRET;
  let tacacsServers = env['TACACS_SERVERS'];
  // RFC 9887: TACACS+ over TLS 1.3, no shared secret. With our own server, local certificates.
  const tacacsTls = /^(true|1|yes)$/i.test(env['TACACS_TLS']?.trim() ?? '');
  /** @type {Record<string, string>} */
  let tacacsEnv = { TACACS_SECRET: secret };
  if (tacacsTls) {
    tacacsEnv = {};
    if (tacacsServers === undefined) {
      const certs = tacacsTlsCertificates(join(dataDir, 'tacacs-tls'));
      tacacsServers = `127.0.0.1:${await startTacacs(secret, certs)}`;
      tacacsEnv = {
        TACACS_TLS_CA_FILE: certs.caFile,
        TACACS_TLS_CERT_FILE: certs.clientCertFile,
        TACACS_TLS_KEY_FILE: certs.clientKeyFile,
      };
    }
  } else if (tacacsServers === undefined) tacacsServers = `127.0.0.1:${await startTacacs(secret)}`;

  const host = env['HOST'] ?? '127.0.0.1';
  const port = Number(env['PORT'] ?? 8080);
  if (!(await isFree(port, host))) {
    throw new Error(`port ${port} on ${host} is in use: stop what listens there or set PORT=<another port>`);
  }
  const managementPort = Number(env['MANAGEMENT_PORT'] ?? 9464);
  const management = (await isFree(managementPort, '127.0.0.1')) ? managementPort : await freePort();
  const shared = {
    REDIS_URL: redisUrl,
    TACACS_SERVERS: tacacsServers,
    ...tacacsEnv,
    TACACS_ACCOUNTING: 'true',
  };
  await startNode(
    'auth-api',
    join(root, 'apps', 'auth-api', 'dist', 'main.js'),
    {
      ...shared,
      PORT: String(port),
      HOST: host,
      MANAGEMENT_PORT: String(management),
      ...(env['USER_TAG_SECRET'] === undefined && env['USER_TAG_SECRET_FILE'] === undefined
        ? { USER_TAG_SECRET_FILE: userTagSecretFile() }
        : {}),
      LOCAL_USERS_FILE: join(demo, 'local-users.json'),
      INTROSPECTION_CLIENTS_FILE: join(demo, 'introspection-clients.json'),
      ADMIN_USERS: 'admin',
    },
    'sessiond auth-api listening',
  );

  const sweeperPort = Number(env['SWEEPER_PORT'] ?? 9465);
  await startNode(
    'sweeper',
    join(root, 'apps', 'sweeper', 'dist', 'main.js'),
    {
      ...shared,
      SWEEPER_PORT: String((await isFree(sweeperPort, '127.0.0.1')) ? sweeperPort : await freePort()),
      SWEEP_INTERVAL_MS: '10000',
    },
    'sweeper started',
  );

  const base = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`;
  process.stdout.write(
    [
      '',
      'sessiond is up. Get a token (TACACS+ demo user alice):',
      '',
      `  curl -s -X POST -u alice:alice-demo-pw ${base}/api/v1/auth/token-services`,
      '',
      'Then use it:  curl -s -H "X-auth-token: <token-id>" ' + `${base}/api/v1/auth/token-services`,
      `Metrics and detailed readiness: http://127.0.0.1:${management}/metrics, /readyz (loopback only).`,
      `Demo users: config/demo/README.md. Data: ${dataDir}. Ctrl-C stops everything.`,
      '',
    ].join('\n') + '\n',
  );
}

/**
 * The auth-api's USER_TAG_SECRET (the key that keeps session ids from naming their user): random,
 * created on the first start and kept in the data folder, so sessions stay valid across restarts.
 */
function userTagSecretFile() {
  const file = join(dataDir, 'user-tag-secret');
  if (!existsSync(file)) writeFileSync(file, `${randomBytes(32).toString('base64url')}\n`, { mode: 0o600 });
  return file;
}

/** A redis-server from PATH, on a free loopback port, persisting to .data/redis with append-only on. */
async function startRedis() {
  const binary = which('redis-server');
  if (binary === undefined) {
    throw new Error(
      'no Redis: install redis-server (Debian/Ubuntu: sudo apt-get install redis-server; macOS: brew install redis) or set REDIS_URL=redis://host:6379',
    );
  }
  const dir = join(dataDir, 'redis');
  mkdirSync(dir, { recursive: true });
  const port = Number(env['SESSIOND_REDIS_PORT'] ?? (await freePort()));
  // prettier-ignore
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--save', '', '--daemonize', 'no', '--logfile', join(dir, 'redis.log')];
  run('redis', binary, args, {});
  await waitFor(() => ping(port), `redis-server on port ${port} (log: ${join(dir, 'redis.log')})`);
  return `redis://127.0.0.1:${port}`;
}

/**
 * The project's TACACS+ dev server: a stand-in for Cisco ISE or tac_plus, with demo users. With
 * `tls` it serves TACACS+ over TLS 1.3 (RFC 9887) and requires a client certificate from the same CA.
 * @param {string} secret
 * @param {ReturnType<typeof tacacsTlsCertificates>} [tls]
 */
async function startTacacs(secret, tls) {
  const wanted = Number(env['SESSIOND_TACACS_PORT'] ?? (tls === undefined ? 4949 : 4950));
  const port = (await isFree(wanted, '127.0.0.1')) ? wanted : await freePort();
  /** @type {string[]} */
  let auth;
  if (tls === undefined) {
    const keyFile = join(dataDir, 'tacacs.key');
    writeFileSync(keyFile, secret, { mode: 0o600 });
    auth = ['--key-file', keyFile];
  } else {
    // prettier-ignore
    auth = ['--tls-cert', tls.serverCertFile, '--tls-key', tls.serverKeyFile, '--tls-ca', tls.caFile, '--tls-require-client-cert'];
  }
  // prettier-ignore
  const args = [join(root, 'packages', 'tacacs-server', 'dist', 'cli', 'server-cli.js'), '--users', join(demo, 'tacacs-users.json'), ...auth, '--host', '127.0.0.1', '--port', String(port), '--accounting-file', join(dataDir, 'tacacs-accounting.jsonl')];
  run('tacacs', process.execPath, args, {});
  await waitFor(() => canConnect(port), `the TACACS+ dev server on port ${port}`);
  return port;
}

/** Starts a built Node app and waits for its start-up log line. */
async function startNode(
  /** @type {string} */ name,
  /** @type {string} */ file,
  /** @type {Record<string, string>} */ defaults,
  /** @type {string} */ ready,
) {
  let seen = false;
  const proc = run(name, process.execPath, [file], defaults, (line) => {
    if (line.includes(ready)) seen = true;
  });
  await waitFor(async () => {
    if (proc.child.exitCode !== null)
      throw new Error(`${name} exited with code ${proc.child.exitCode} (see its output above)`);
    return seen;
  }, name);
}

/**
 * Spawns a child whose output is shown with a [name] prefix. The stack's defaults are overridden by
 * whatever the user exported (every variable of the configuration table).
 * @param {string} name @param {string} command @param {string[]} args @param {Record<string, string>} defaults
 * @param {(line: string) => void} [onLine]
 */
function run(name, command, args, defaults, onLine) {
  const child = spawn(command, args, { env: { ...defaults, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise((resolveExit) => child.once('exit', (code) => resolveExit(code)));
  const proc = { name, child, exited: /** @type {Promise<number | null>} */ (exited) };
  procs.push(proc);
  for (const stream of [child.stdout, child.stderr]) {
    let pending = '';
    stream?.setEncoding('utf8').on('data', (/** @type {string} */ chunk) => {
      const lines = (pending + chunk).split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        process.stdout.write(`[${name}] ${line}\n`);
        onLine?.(line);
      }
    });
  }
  void proc.exited.then((code) => {
    if (!stopping) {
      process.stderr.write(`\nsessiond: ${name} exited unexpectedly (code ${code}); stopping the stack\n`);
      void stopAll(1);
    }
  });
  return proc;
}

/** Stops the apps first, then the TACACS+ server, then Redis (which writes its append-only file). */
async function stopAll(/** @type {number} */ code) {
  if (stopping) return;
  stopping = true;
  for (const proc of [...procs].reverse()) {
    if (proc.child.exitCode === null && proc.child.signalCode === null) {
      proc.child.kill('SIGTERM');
      const timer = setTimeout(() => proc.child.kill('SIGKILL'), 15_000);
      await proc.exited;
      clearTimeout(timer);
    }
  }
  process.stdout.write('sessiond: stopped\n');
  process.exit(code);
}

function which(/** @type {string} */ name) {
  for (const dir of [...(env['PATH'] ?? '').split(delimiter), '/usr/sbin', '/usr/local/sbin']) {
    try {
      accessSync(join(dir, name), constants.X_OK);
      return join(dir, name);
    } catch {
      // not here
    }
  }
  return undefined;
}

/** @returns {Promise<number>} */
function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolvePort(typeof address === 'object' && address !== null ? address.port : 0));
    });
  });
}

/** @returns {Promise<boolean>} */
function isFree(/** @type {number} */ port, /** @type {string} */ host) {
  return new Promise((resolveFree) => {
    const server = createServer();
    server.once('error', () => resolveFree(false));
    server.listen(port, host, () => server.close(() => resolveFree(true)));
  });
}

/** @returns {Promise<boolean>} */
function canConnect(/** @type {number} */ port, host = '127.0.0.1') {
  return new Promise((resolveConnect) => {
    const socket = connect({ port, host });
    socket.setTimeout(1000, () => {
      socket.destroy();
      resolveConnect(false);
    });
    socket.once('connect', () => {
      socket.destroy();
      resolveConnect(true);
    });
    socket.once('error', () => resolveConnect(false));
  });
}

/** @returns {Promise<boolean>} */
function ping(/** @type {number} */ port) {
  return new Promise((resolvePing) => {
    const socket = connect({ port, host: '127.0.0.1' });
    socket.setTimeout(1000, () => {
      socket.destroy();
      resolvePing(false);
    });
    socket.once('error', () => resolvePing(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => {
      socket.destroy();
      resolvePing(data.toString().startsWith('+PONG'));
    });
  });
}

async function checkReachable(/** @type {URL} */ url, /** @type {string} */ variable) {
  const port = Number(url.port === '' ? 6379 : url.port);
  if (!(await canConnect(port, url.hostname.replace(/^\[|\]$/g, '')))) {
    throw new Error(`${variable} points at ${url.hostname}:${port}, which does not answer`);
  }
}

/** @param {() => Promise<boolean> | boolean} check @param {string} what */
async function waitFor(check, what, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (stopping) throw new Error('stopped');
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
