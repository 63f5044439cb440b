import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TacacsServer } from '@sessiond/tacacs-server';
import { RedisServer, freePort, waitFor } from '@sessiond/test-utils';
import { TACACS_KEY, TACACS_USERS, basic } from './support/harness';
import { startApi } from './support/process';

let redis: RedisServer;
let tacacs: TacacsServer;
let dir: string;

beforeAll(async () => {
  redis = await RedisServer.start();
  tacacs = new TacacsServer({ key: TACACS_KEY, users: { users: TACACS_USERS } });
  await tacacs.listen();
  dir = mkdtempSync(join(tmpdir(), 'sessiond-process-'));
});

afterAll(async () => {
  await tacacs.close();
  await redis.destroy();
  rmSync(dir, { recursive: true, force: true });
});

async function env(extra: Record<string, string> = {}): Promise<Record<string, string>> {
  return {
    PORT: String(await freePort()),
    HOST: '127.0.0.1',
    REDIS_URL: redis.url,
    AAA_METHODS: 'tacacs',
    TACACS_SERVERS: `127.0.0.1:${tacacs.port}`,
    TACACS_SECRET: TACACS_KEY,
    AAA_TIMEOUT_MS: '5000',
    ...extra,
  };
}

describe('the auth-api process', () => {
  it('refuses to start on a bad configuration, naming each bad variable (exit 2)', async () => {
    const api = await startApi(
      { AAA_TIMEOUT_MS: 'soon', SESSION_LIMIT_PER_USER: '-1', TACACS_SECRET: 'hidden-secret' },
      { waitListening: false },
    );
    expect(await api.exited).toBe(2);
    const message = api.stderr.join('');
    expect(message).toContain('AAA_TIMEOUT_MS');
    expect(message).toContain('SESSION_LIMIT_PER_USER');
    expect(message).toContain('TACACS_SERVERS');
    expect(message).not.toContain('hidden-secret');
  });

  it.each<[string, (d: string) => Record<string, string>, RegExp]>([
    [
      'a list with ;',
      () => ({ TACACS_SERVERS: '10.0.0.1:99999;10.0.0.2:49' }),
      /TACACS_SERVERS: .*separator/,
    ],
    ['a space-separated list', () => ({ TACACS_SERVERS: '10.0.0.1 10.0.0.2' }), /TACACS_SERVERS: .*space/],
    [
      'a look-alike name',
      () => ({ SESSION_LIMT_PER_USER: '3' }),
      /SESSION_LIMT_PER_USER: .*SESSION_LIMIT_PER_USER/,
    ],
    [
      'a missing users file',
      (d) => ({ AAA_METHODS: 'tacacs,local', LOCAL_USERS_FILE: join(d, 'missing.json') }),
      /LOCAL_USERS_FILE: cannot read .*missing\.json/,
    ],
    [
      'a users file that does not parse',
      (d) => {
        writeFileSync(join(d, 'broken.json'), '{ "users": [ { "username": "x" } ] }');
        return { AAA_METHODS: 'tacacs,local', LOCAL_USERS_FILE: join(d, 'broken.json') };
      },
      /LOCAL_USERS_FILE: .*users\[0\]/,
    ],
    [
      'an introspection clients file that does not parse',
      (d) => {
        writeFileSync(join(d, 'clients.json'), 'not json');
        return { INTROSPECTION_CLIENTS_FILE: join(d, 'clients.json') };
      },
      /INTROSPECTION_CLIENTS_FILE: .*clients\.json/,
    ],
    [
      'a missing secret file',
      (d) => ({ TACACS_SECRET: '', TACACS_SECRET_FILE: join(d, 'no.key') }),
      /TACACS_SECRET_FILE: cannot read/,
    ],
  ])('refuses %s with exit 2, naming the variable', async (_what, extra, message) => {
    const api = await startApi({ ...(await env()), ...extra(dir) }, { waitListening: false });
    expect(await api.exited).toBe(2);
    expect(api.stderr.join('')).toMatch(message);
  });

  it('serves /metrics and the detailed /readyz on the management listener, not on the public port', async () => {
    const management = String(await freePort());
    const settings = await env({ MANAGEMENT_PORT: management });
    const api = await startApi(settings);
    try {
      const open = `http://127.0.0.1:${settings['PORT'] ?? ''}`;
      const inside = `http://127.0.0.1:${management}`;
      expect((await fetch(`${open}/metrics`)).status).toBe(404);
      expect(await (await fetch(`${open}/readyz`)).json()).toEqual({ status: 'ready' });
      const metrics = await fetch(`${inside}/metrics`);
      expect(metrics.status).toBe(200);
      expect(await metrics.text()).toContain('sessiond_logins_total');
      expect(await (await fetch(`${inside}/readyz`)).json()).toMatchObject({
        status: 'ready',
        redis: { status: 'up' },
        aaa: [{ method: 'tacacs+' }],
      });
      expect(api.stdout.find((l) => l.includes('listening'))).toContain(
        `"management":"127.0.0.1:${management}"`,
      );
    } finally {
      api.child.kill('SIGTERM');
      await api.exited;
    }
  });

  it('on SIGTERM stops accepting, answers the requests in flight, and exits 0', async () => {
    const settings = await env();
    const api = await startApi(settings);
    const base = `http://127.0.0.1:${settings['PORT'] ?? ''}`;
    // Four users: the auth-api shares one AAA request among identical concurrent logins, and each of
    // these must be seen reaching TACACS+.
    const users = TACACS_USERS.filter((u) => ['alice', 'admin', 'pat', 'shared'].includes(u.username));
    // TACACS+ holds each reply 1.5 s (inside AAA_TIMEOUT_MS), so a login (authentication, then
    // authorization) waits 3 s on it: the logins are still inside the auth-api when the signal comes,
    // which is sent as soon as TACACS+ has seen all four, however slowly this machine got them there.
    tacacs.setFault({ type: 'delay', ms: 1500 });
    const asked = tacacs.stats().requests.authentication;
    try {
      const inFlight = users.map((u) =>
        fetch(`${base}/api/v1/auth/token-services`, {
          method: 'POST',
          headers: { Authorization: basic(u.username, u.password) },
        }),
      );
      await waitFor(() => tacacs.stats().requests.authentication >= asked + users.length, {
        message: 'the four logins to reach TACACS+',
      });
      api.child.kill('SIGTERM');
      const responses = await Promise.all(inFlight);
      expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 200]);
      expect(await api.exited).toBe(0);
      await expect(fetch(`${base}/healthz`)).rejects.toThrow();
      // The drain ended because the requests were done, not cut at SHUTDOWN_TIMEOUT_MS (8 s): no
      // wall clock needed. And the four logins were answered after the drain began.
      expect(api.stdout.some((l) => l.includes('"result":"drained"'))).toBe(true);
      const drainStarted = api.stdout.findIndex((l) => l.includes('shutting down'));
      const answered = api.stdout.flatMap((l, i) =>
        l.includes('"event":"login"') && l.includes('"status":200') ? [i] : [],
      );
      expect(drainStarted).toBeGreaterThanOrEqual(0);
      expect(answered).toHaveLength(4);
      expect(answered.every((i) => i > drainStarted)).toBe(true);
    } finally {
      tacacs.setFault(undefined);
      api.child.kill('SIGKILL');
    }
  });

  it('answers a request head over 16 KiB with a problem+json 400, not a bare 431', async () => {
    const settings = await env();
    const api = await startApi(settings);
    try {
      const reply = await new Promise<string>((resolve, reject) => {
        const socket = connect({ host: '127.0.0.1', port: Number(settings['PORT']) }, () => {
          socket.write(
            `GET /api/v1/auth/token-services HTTP/1.1\r\nHost: x\r\nX-auth-token: ${'a'.repeat(17_000)}\r\n\r\n`,
          );
        });
        let data = '';
        socket.setEncoding('utf8').on('data', (chunk: string) => (data += chunk));
        socket.on('end', () => resolve(data));
        socket.on('error', reject);
      });
      expect(reply).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
      expect(reply).toContain('Content-Type: application/problem+json');
      expect(JSON.parse(reply.slice(reply.indexOf('\r\n\r\n') + 4))).toMatchObject({
        code: 'invalid_request',
        status: 400,
      });
    } finally {
      api.child.kill('SIGTERM');
      await api.exited;
    }
  });

  it('serves HTTPS when TLS_CERT_FILE and TLS_KEY_FILE are set', async () => {
    const cert = join(dir, 'cert.pem');
    const key = join(dir, 'key.pem');
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        key,
        '-out',
        cert,
        '-days',
        '1',
        '-subj',
        '/CN=localhost',
      ],
      {
        stdio: 'ignore',
      },
    );
    const settings = await env({
      TLS_CERT_FILE: cert,
      TLS_KEY_FILE: key,
      PUBLIC_BASE_URL: 'https://auth.example',
    });
    const api = await startApi(settings);
    try {
      const { status, body, headers } = await new Promise<{
        status: number;
        body: string;
        headers: Record<string, unknown>;
      }>((resolve, reject) => {
        const req = httpsRequest(
          {
            host: '127.0.0.1',
            port: Number(settings['PORT']),
            method: 'POST',
            path: '/api/v1/auth/token-services',
            headers: { Authorization: basic('alice', 'alice-pw') },
            rejectUnauthorized: false,
          },
          (res) => {
            let text = '';
            res.setEncoding('utf8').on('data', (c: string) => (text += c));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text, headers: res.headers }));
          },
        );
        req.on('error', reject);
        req.end();
      });
      expect(status).toBe(200);
      // Links come from PUBLIC_BASE_URL, never from the Host header; HTTPS answers carry HSTS.
      expect((JSON.parse(body) as Record<string, string>)['link']).toMatch(/^https:\/\/auth\.example\//);
      expect(headers['strict-transport-security']).toBe('max-age=31536000');
      expect(headers['x-content-type-options']).toBe('nosniff');
    } finally {
      api.child.kill('SIGTERM');
      await api.exited;
    }
  });
});
