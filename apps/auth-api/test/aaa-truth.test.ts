import { join } from 'node:path';
import { TacacsServer } from '@sessiond/tacacs-server';
import {
  RedisServer,
  freePort,
  startSilentServer,
  uniqueKeyPrefix,
  waitFor,
  type SilentServer,
} from '@sessiond/test-utils';
import { basic } from './support/harness';
import { startApi, type RunningApi } from './support/process';

// The seed's scenario with the default chain (AAA_METHODS=tacacs,local) and the demo local users:
// TACACS+ is down (silent, refusing, or answering with another key) and alice, a TACACS+ user with
// the right password, logs in six times. Then a new auth-api on the same Redis with a working
// TACACS+ server lets her in. Real processes, real sockets.

const DEMO = join(__dirname, '..', '..', '..', 'config', 'demo');
const DEMO_SECRET = 'sessiond-demo-secret-change-me';
const TIMEOUT_MS = 1000;
const MAX_FAILURES = 3;

interface Answer {
  readonly status: number;
  readonly retryAfter: string | null;
  readonly body: Record<string, unknown>;
  readonly ms: number;
}

type Outage = 'silent' | 'refused' | 'wrong-key';

let redis: RedisServer;

beforeAll(async () => {
  redis = await RedisServer.start();
});

afterAll(async () => {
  await redis.destroy();
});

async function login(port: string, username: string, password: string): Promise<Answer> {
  const started = performance.now();
  const res = await fetch(`http://127.0.0.1:${port}/api/v1/auth/token-services`, {
    method: 'POST',
    headers: { Authorization: basic(username, password) },
  });
  const body = (await res.json()) as Record<string, unknown>;
  return {
    status: res.status,
    retryAfter: res.headers.get('retry-after'),
    body,
    ms: performance.now() - started,
  };
}

async function startOutage(
  kind: Outage,
): Promise<{ port: number; silent?: SilentServer; close(): Promise<void> }> {
  if (kind === 'silent') {
    const silent = await startSilentServer();
    return { port: silent.port, silent, close: () => silent.close() };
  }
  if (kind === 'refused') return { port: await freePort(), close: () => Promise.resolve() };
  const server = new TacacsServer({
    key: DEMO_SECRET,
    users: join(DEMO, 'tacacs-users.json'),
    fault: { type: 'wrong-key' },
  });
  await server.listen();
  return { port: server.port, close: () => server.close() };
}

async function api(tacacsPort: number, prefix: string): Promise<{ api: RunningApi; port: string }> {
  const port = String(await freePort());
  const running = await startApi({
    PORT: port,
    HOST: '127.0.0.1',
    REDIS_URL: redis.url,
    REDIS_KEY_PREFIX: prefix,
    AAA_METHODS: 'tacacs,local',
    TACACS_SERVERS: `127.0.0.1:${tacacsPort}`,
    TACACS_SECRET: DEMO_SECRET,
    LOCAL_USERS_FILE: join(DEMO, 'local-users.json'),
    AAA_TIMEOUT_MS: String(TIMEOUT_MS),
    LOGIN_MAX_FAILURES: String(MAX_FAILURES),
  });
  return { api: running, port };
}

async function stop(running: RunningApi): Promise<void> {
  running.child.kill('SIGTERM');
  await running.exited;
}

/** What the scenario measured, for the closing note (`SCENARIO_REPORT=1 npx jest aaa-truth`). */
const report: string[] = [];

afterAll(() => {
  if (process.env['SCENARIO_REPORT'] === '1') process.stdout.write(`${report.join('\n')}\n`);
});

describe.each<[Outage, number, string]>([
  ['silent', 503, 'aaa_unavailable'],
  ['refused', 503, 'aaa_unavailable'],
  ['wrong-key', 502, 'aaa_misconfigured'],
])('TACACS+ %s, default chain tacacs,local', (kind, status, code) => {
  it('an outage is never a wrong password, never locks anyone out, and a dead server makes no login wait', async () => {
    const outage = await startOutage(kind);
    const prefix = uniqueKeyPrefix('truth');
    const first = await api(outage.port, prefix);
    try {
      const alice: Answer[] = [];
      for (let i = 0; i < 6; i += 1) alice.push(await login(first.port, 'alice', 'alice-demo-pw'));
      report.push(
        `${kind}: alice ×6 → ${alice.map((a) => `${a.status} ${String(a.body['code'])} ${Math.round(a.ms)} ms`).join(', ')}`,
      );
      for (const answer of alice) {
        expect(answer.status).toBe(status);
        expect(answer.body).toMatchObject({ code, aaa: { method: 'tacacs+' } });
      }
      // The local fallback was asked and refused (alice is not a local user) until its own throttle
      // stopped asking; an outage never turns into 401 or 429.
      const fallbacks = alice.map(
        (a) => (a.body['aaa'] as { fallback?: { result: string } }).fallback?.result,
      );
      expect(fallbacks).toEqual([
        ...Array.from({ length: MAX_FAILURES }, () => 'rejected'),
        ...Array.from({ length: 6 - MAX_FAILURES }, () => 'throttled'),
      ]);
      if (kind !== 'wrong-key') {
        // Login 1 found the server dead (an attempt and a retry); logins 2-6 were answered from the
        // hold-down: no server asked, Retry-After the remaining hold-down.
        expect(alice[0]?.body['aaa']).toMatchObject({ servers_tried: 1 });
        for (const answer of alice.slice(1)) {
          expect(answer.body['aaa']).toMatchObject({
            servers_tried: 0,
            held_down_until: expect.any(String) as string,
          });
          expect(Number(answer.retryAfter)).toBeGreaterThan(20);
        }
        if (outage.silent !== undefined) expect(outage.silent.connections).toBe(2);
      }

      // Break-glass access still works.
      const breakglass = await login(first.port, 'breakglass', 'breakglass-demo-pw');
      report.push(
        `${kind}: breakglass (right password) → ${breakglass.status} ${Math.round(breakglass.ms)} ms`,
      );
      expect(breakglass.status).toBe(200);

      // Nothing tells an unknown user from a local user with a wrong password.
      const unknown = await login(first.port, 'nobody-here', 'whatever');
      const wrong = await login(first.port, 'breakglass', 'not-the-password');
      report.push(
        `${kind}: unknown user → ${unknown.status} ${String(unknown.body['code'])}; breakglass wrong password → ${wrong.status} ${String(wrong.body['code'])}`,
      );
      expect(unknown.status).toBe(status);
      expect(wrong.status).toBe(unknown.status);
      expect(wrong.body).toEqual(unknown.body);
      expect(wrong.body).toMatchObject({ aaa: { fallback: { method: 'local', result: 'rejected' } } });

      // The audit record says TACACS+ was down and how, for every one of these logins.
      const audits = (): Record<string, unknown>[] =>
        first.api.stdout
          .map((line) => JSON.parse(line) as Record<string, unknown>)
          .filter((line) => line['msg'] === 'audit' && line['event'] === 'login');
      // Lines are written asynchronously: wait for the last one.
      await waitFor(() => audits().length === 9, { message: 'nine login audit lines' });
      expect(audits()[0]).toMatchObject({
        username: 'alice',
        code,
        client_ip: '127.0.0.1',
        aaa: { outage: { method: 'tacacs+' }, fallback: { method: 'local', result: 'rejected' } },
      });
    } finally {
      await stop(first.api);
      await outage.close();
    }

    // TACACS+ is back: a new auth-api on the same Redis lets alice in at once.
    const tacacs = new TacacsServer({ key: DEMO_SECRET, users: join(DEMO, 'tacacs-users.json') });
    await tacacs.listen();
    const second = await api(tacacs.port, prefix);
    try {
      const back = await login(second.port, 'alice', 'alice-demo-pw');
      report.push(`${kind}: TACACS+ back, new auth-api → alice ${back.status}`);
      expect(back.status).toBe(200);
    } finally {
      await stop(second.api);
      await tacacs.close();
    }
  });
});
