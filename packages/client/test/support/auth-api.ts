import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { hashPassword } from '@sessiond/passwords';
import { RedisServer, freePort, uniqueKeyPrefix, waitFor } from '@sessiond/test-utils';

/** The built auth-api (`npm test` runs `tsc -b` first). */
export const AUTH_API_MAIN = resolve(
  __dirname,
  '..',
  '..',
  '..',
  '..',
  'apps',
  'auth-api',
  'dist',
  'main.js',
);

export const CLIENT = { id: 'orders-api', secret: 'orders-secret-0123456789abcdef' };
export const ADMIN = { username: 'admin', password: 'admin-pw' };

/** Users of the local users file: `<name>` / `<name>-pw`, priv-lvl 15 unless listed. */
const USERNAMES = ['admin', 'alice', 'carol', 'dave', 'erin', 'frank', 'grace', 'heidi', 'ivan', 'judy'];
const LOW_PRIV = [
  { username: 'operator', 'priv-lvl': 7 },
  { username: 'guest', 'priv-lvl': 1 },
];

export const password = (username: string): string => `${username}-pw`;

export interface AuthApi {
  readonly baseUrl: string;
  readonly keyPrefix: string;
  readonly child: ChildProcess;
  /** Raw stdout chunks (JSON log lines). */
  readonly stdout: string[];
  /** SIGKILL and wait for the exit (an abrupt outage). */
  kill(): Promise<void>;
}

export interface Stack {
  readonly redis: RedisServer;
  readonly dir: string;
  /** Starts one more auth-api on the stack's Redis (its own key prefix unless `env` sets one). */
  startApi(env?: Readonly<Record<string, string>>): Promise<AuthApi>;
  /** Kills every auth-api started, stops Redis, removes the files. */
  close(): Promise<void>;
}

/**
 * A real stack for the tests: a private redis-server, a local users file (scrypt with cheap
 * parameters), an introspection clients file, and auth-api processes (`node apps/auth-api/dist/main.js`)
 * on free ports, each configured only through its environment like in production.
 */
export async function startStack(): Promise<Stack> {
  if (!existsSync(AUTH_API_MAIN)) {
    throw new Error(
      `${AUTH_API_MAIN} is missing: run \`npm run build\` first (npm test does it), then run the tests again`,
    );
  }
  const dir = mkdtempSync(join(tmpdir(), 'sessiond-client-'));
  const apis: AuthApi[] = [];
  let redis: RedisServer | undefined;
  try {
    // Append-only, so that sessions survive a Redis restart (the outage tests stop and resume it).
    redis = await RedisServer.start({ appendOnly: true });
    const usersFile = join(dir, 'local-users.json');
    const users = [...USERNAMES.map((username) => ({ username, 'priv-lvl': 15 })), ...LOW_PRIV];
    const entries = await Promise.all(
      users.map(async (u) => ({
        username: u.username,
        scrypt: await hashPassword(password(u.username), { ln: 10 }),
        'priv-lvl': u['priv-lvl'],
      })),
    );
    writeFileSync(usersFile, JSON.stringify({ users: entries }));
    const clientsFile = join(dir, 'clients.json');
    const digest = createHash('sha256').update(CLIENT.secret, 'utf8').digest('hex');
    writeFileSync(clientsFile, JSON.stringify({ clients: [{ id: CLIENT.id, secret: `sha256:${digest}` }] }));

    const server = redis;
    return {
      redis: server,
      dir,
      async startApi(env = {}) {
        const api = await spawnApi({
          REDIS_URL: server.url,
          REDIS_KEY_PREFIX: uniqueKeyPrefix('client'),
          AAA_METHODS: 'local',
          LOCAL_USERS_FILE: usersFile,
          INTROSPECTION_CLIENTS_FILE: clientsFile,
          ADMIN_USERS: ADMIN.username,
          LOG_LEVEL: 'info',
          ...env,
        });
        apis.push(api);
        return api;
      },
      async close() {
        await Promise.all(apis.map((api) => api.kill()));
        await server.destroy();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await redis?.destroy();
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

// Whatever happens to a test file, no auth-api outlives its jest worker.
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

async function spawnApi(env: Readonly<Record<string, string>>): Promise<AuthApi> {
  const port = await freePort();
  const child = spawn(process.execPath, [AUTH_API_MAIN], {
    env: {
      PATH: process.env['PATH'] ?? '',
      PORT: String(port),
      HOST: '127.0.0.1',
      MANAGEMENT_PORT: '0',
      USER_TAG_SECRET: 'test-user-tag-secret-0123456789',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  const stdout: string[] = [];
  const stderr: string[] = [];
  let exited = false;
  const exit = new Promise<void>((done) =>
    child.once('exit', () => {
      exited = true;
      running.delete(child);
      done();
    }),
  );
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => stdout.push(chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => stderr.push(chunk));
  const kill = async (): Promise<void> => {
    if (!exited) child.kill('SIGKILL');
    await exit;
  };
  const baseUrl = `http://127.0.0.1:${port}`;
  try {
    // The "listening" log line is the signal; /healthz is asked too, should the auth-api ever batch
    // its stdout (an asynchronous log destination would hold the line back).
    await waitFor(
      async () => {
        if (exited) throw new Error(`the auth-api exited: ${stderr.join('')}`);
        return stdout.join('').includes('sessiond auth-api listening') || (await healthy(baseUrl));
      },
      { timeoutMs: 15_000, message: 'the auth-api to log "sessiond auth-api listening" or answer /healthz' },
    );
  } catch (error) {
    await kill();
    throw error;
  }
  return { baseUrl, keyPrefix: env['REDIS_KEY_PREFIX'] ?? '', child, stdout, kill };
}

async function healthy(baseUrl: string): Promise<boolean> {
  try {
    const response = await fetch(`${baseUrl}/healthz`, { signal: AbortSignal.timeout(1000) });
    await response.body?.cancel();
    return response.status === 200;
  } catch {
    return false;
  }
}

/** Calls the auth-api directly (to compare its answers with the middleware's). */
export async function rawGet(
  baseUrl: string,
  path: string,
  headers: Record<string, string>,
): Promise<{ status: number; headers: Headers; body: unknown }> {
  const response = await fetch(`${baseUrl}${path}`, { headers });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: text === '' ? undefined : JSON.parse(text),
  };
}
