import { createHash } from 'node:crypto';
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { IncomingMessage, ServerResponse } from 'node:http';
import request from 'supertest';
import { hashPassword } from '@sessiond/passwords';
import { TacacsServer, type TacacsFault, type TacacsServerTlsOptions } from '@sessiond/tacacs-server';
import { RedisServer, redisForTests, uniqueKeyPrefix, waitFor, type TestRedis } from '@sessiond/test-utils';
import { createHandler, createManagementApp, type Handler } from '../../src/app';
import { contextOf } from '../../src/http/request-context';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/logger';
import { createServices, type Services } from '../../src/services';
import { checkResponse, type RecordedResponse } from './openapi-check';

export const TACACS_KEY = 'test-shared-secret-0123456789';

/** Users of the project's TACACS+ server in every test. */
export const TACACS_USERS = [
  { username: 'alice', password: 'alice-pw', 'priv-lvl': 15 },
  { username: 'admin', password: 'admin-pw', 'priv-lvl': 15 },
  { username: 'bob', password: 'bob-pw', 'priv-lvl': 1 },
  { username: 'pat', password: 'pat:with:colons', 'priv-lvl': 15 },
  { username: 'shared', password: 'tacacs-pw', 'priv-lvl': 15 },
];

/** Users of the local users file (scrypt hashes written at start-up). */
export const LOCAL_USERS = [
  { username: 'carol', password: 'carol-pw', 'priv-lvl': 15 },
  { username: 'shared', password: 'local-pw', 'priv-lvl': 15 },
  { username: 'alice', password: 'alice-local-pw', 'priv-lvl': 15 },
];

export const INTROSPECTION_CLIENT = { id: 'billing-api', secret: 'billing-secret-0123456789abcdef' };

export interface HarnessOptions {
  /** Extra or overriding environment (the real config parser reads it). */
  readonly env?: Readonly<Record<string, string>>;
  /** Number of TACACS+ servers (default 1), and their initial faults. */
  readonly tacacs?: readonly (TacacsFault | undefined)[];
  /** The TACACS+ servers' users document entries (default TACACS_USERS), e.g. with `commands` rules. */
  readonly tacacsUsers?: readonly Readonly<Record<string, unknown>>[];
  /** Start a private redis-server (needed to stop it); default: REDIS_URL or a shared private one. */
  readonly ownRedis?: boolean;
  /**
   * Serve TACACS+ over TLS 1.3 (RFC 9887) with these options; TACACS_SECRET is then not set (give
   * TACACS_TLS and its files in `env`).
   */
  readonly tacacsTls?: TacacsServerTlsOptions;
  /** The built console's directory (default: apps/auth-api/dist/console). */
  readonly consoleDir?: string;
}

export interface Harness {
  /** The service's request handler (fast routes, then Express), wrapped to record every answer. */
  readonly app: Handler;
  readonly services: Services;
  readonly tacacs: TacacsServer[];
  readonly redisServer: RedisServer | undefined;
  readonly logs: string[];
  readonly dir: string;
  readonly localUsersFile: string;
  readonly clientsFile: string;
  readonly responses: RecordedResponse[];
  /** Requests the handler took that are not yet recorded in `responses` (or ended without an answer). */
  inFlight(): number;
  http(): ReturnType<typeof request>;
  /** The management listener's handler (/metrics, the detailed /readyz; the console by default). */
  management(): ReturnType<typeof request>;
  login(username: string, password: string, headers?: Record<string, string>): request.Test;
  /** A logged-in token (alice by default). */
  token(username?: string, password?: string): Promise<string>;
  close(): Promise<void>;
}

export function basic(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`;
}

let sharedRedis: TestRedis | undefined;

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), 'sessiond-auth-api-'));
  const redisServer = options.ownRedis === true ? await RedisServer.start() : undefined;
  sharedRedis ??= redisServer === undefined ? await redisForTests() : undefined;
  const redisUrl = redisServer?.url ?? sharedRedis?.url ?? '';

  const tacacs = await Promise.all(
    (options.tacacs ?? [undefined]).map(async (fault) => {
      const server = new TacacsServer({
        ...(options.tacacsTls !== undefined ? { tls: options.tacacsTls } : { key: TACACS_KEY }),
        users: { users: options.tacacsUsers ?? TACACS_USERS },
        accountingFile: join(dir, `accounting-${Math.random().toString(36).slice(2)}.jsonl`),
        ...(fault !== undefined ? { fault } : {}),
      });
      await server.listen();
      return server;
    }),
  );
  const localUsersFile = join(dir, 'local-users.json');
  await writeLocalUsers(localUsersFile, LOCAL_USERS);
  const clientsFile = join(dir, 'clients.json');
  writeFileSync(
    clientsFile,
    JSON.stringify({
      clients: [
        {
          id: INTROSPECTION_CLIENT.id,
          secret: `sha256:${createHash('sha256').update(INTROSPECTION_CLIENT.secret).digest('hex')}`,
        },
      ],
    }),
  );

  const config = loadConfig({
    REDIS_URL: redisUrl,
    REDIS_KEY_PREFIX: uniqueKeyPrefix('api'),
    USER_TAG_SECRET: 'test-user-tag-secret-0123456789',
    // Jest runs suites side by side on few cores: at the default nice 19 a password check can miss
    // the 3 s AAA deadline behind other suites' busy processes. The priorities have their own tests.
    LOCAL_HASH_PRIORITY: 'normal',
    TACACS_SERVERS: tacacs.map((s) => `127.0.0.1:${s.port}`).join(','),
    ...(options.tacacsTls === undefined ? { TACACS_SECRET: TACACS_KEY } : {}),
    LOCAL_USERS_FILE: localUsersFile,
    INTROSPECTION_CLIENTS_FILE: clientsFile,
    ADMIN_USERS: 'admin',
    AAA_TIMEOUT_MS: '400',
    AAA_RETRIES: '1',
    AAA_DEADLINE_MS: '3000',
    LOG_LEVEL: 'info',
    ...options.env,
  });
  const logs: string[] = [];
  const logger = createLogger(
    config.logLevel,
    new Writable({
      write(chunk: Buffer, _encoding, callback) {
        logs.push(chunk.toString('utf8'));
        callback();
      },
    }),
  );
  const services = await createServices(config, logger);
  const deps = options.consoleDir === undefined ? services : { ...services, consoleDir: options.consoleDir };
  const responses: RecordedResponse[] = [];
  const { handler: app, inFlight } = recorder(responses, createHandler(deps));
  // As main.ts wires it: with CONSOLE=management, /api/v1/… there goes to the public handler.
  const managementApp = createManagementApp(deps, app);

  const harness: Harness = {
    app,
    services,
    tacacs,
    redisServer,
    logs,
    dir,
    localUsersFile,
    clientsFile,
    responses,
    inFlight,
    http: () => request(app),
    management: () => request(managementApp),
    login: (username, password, headers = {}) =>
      request(app)
        .post('/api/v1/auth/token-services')
        .set('Authorization', basic(username, password))
        .set(headers),
    async token(username = 'alice', password = 'alice-pw') {
      const res = await harness.login(username, password);
      if (res.status !== 200) throw new Error(`login failed: ${res.status} ${res.text}`);
      return (res.body as { 'token-id': string })['token-id'];
    },
    async close() {
      await services.close();
      await Promise.all(tacacs.map((s) => s.close()));
      await redisServer?.destroy();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return harness;
}

/** Writes a local users file with scrypt hashes (cheap parameters: these are tests). */
export async function writeLocalUsers(
  path: string,
  users: readonly { username: string; password: string; 'priv-lvl': number }[],
): Promise<void> {
  const entries = await Promise.all(
    users.map(async (u) => ({
      username: u.username,
      scrypt: await hashPassword(u.password, { ln: 10 }),
      'priv-lvl': u['priv-lvl'],
    })),
  );
  writeFileSync(`${path}.tmp`, JSON.stringify({ users: entries }));
  renameSync(`${path}.tmp`, path);
}

/**
 * Records each response (route pattern, status, content type, body) for the OpenAPI check, and counts
 * the requests whose record is still to come.
 */
function recorder(into: RecordedResponse[], handler: Handler): { handler: Handler; inFlight: () => number } {
  let pending = 0;
  const recording: Handler = (req: IncomingMessage, res: ServerResponse) => {
    pending += 1;
    // 'close' follows 'finish' (or ends a request that got no answer); its setImmediate runs after
    // the one that records the answer.
    res.on('close', () => setImmediate(() => (pending -= 1)));
    const chunks: Buffer[] = [];
    const end = res.end.bind(res) as (chunk?: unknown, ...rest: unknown[]) => ServerResponse;
    res.end = ((chunk?: unknown, ...rest: unknown[]) => {
      if (typeof chunk === 'string') chunks.push(Buffer.from(chunk));
      else if (Buffer.isBuffer(chunk)) chunks.push(chunk);
      return end(chunk, ...rest);
    }) as typeof res.end;
    res.on('finish', () => {
      // The route pattern is known once the service's own finish listener has run.
      setImmediate(() => {
        into.push({
          method: req.method ?? '',
          route: contextRoute(res),
          status: res.statusCode,
          contentType: String(res.getHeader('content-type') ?? ''),
          body: Buffer.concat(chunks).toString('utf8'),
        });
      });
    });
    handler(req, res);
  };
  return { handler: recording, inFlight: () => pending };
}

function contextRoute(res: ServerResponse): string | undefined {
  const route = contextOf(res).route;
  return route === undefined || route === 'unmatched' ? undefined : route;
}

/** Call from afterAll: every response the file's tests saw must match the OpenAPI document. */
export async function expectResponsesMatchOpenApi(harness: Harness): Promise<void> {
  // Answers are recorded just after they are sent: wait until the last ones have landed.
  await waitFor(() => harness.inFlight() === 0, { message: 'every answer to be recorded' });
  const problems = harness.responses.flatMap((r) => checkResponse(r));
  expect(problems).toEqual([]);
  expect(harness.responses.length).toBeGreaterThan(0);
}

/** Shuts down the shared Redis a file's harnesses used. */
export async function stopSharedRedis(): Promise<void> {
  await sharedRedis?.destroy();
  sharedRedis = undefined;
}
