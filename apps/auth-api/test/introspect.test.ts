import { createHash } from 'node:crypto';
import { renameSync, writeFileSync } from 'node:fs';
import { waitFor } from '@sessiond/test-utils';
import {
  INTROSPECTION_CLIENT,
  basic,
  expectResponsesMatchOpenApi,
  startHarness,
  stopSharedRedis,
  type Harness,
} from './support/harness';

let h: Harness;
const PATH = '/api/v1/auth/introspect';
const client = (): string => basic(INTROSPECTION_CLIENT.id, INTROSPECTION_CLIENT.secret);

beforeAll(async () => {
  h = await startHarness({ env: { SESSION_LIMIT_PER_USER: '0' } });
});

afterAll(async () => {
  await expectResponsesMatchOpenApi(h);
  await h.close();
  await stopSharedRedis();
});

describe('POST /api/v1/auth/introspect', () => {
  it('describes a live token (JSON body)', async () => {
    const login = await h.login('alice', 'alice-pw');
    const { 'token-id': token, 'session-id': sessionId } = login.body as Record<string, string>;
    const res = await h.http().post(PATH).set('Authorization', client()).send({ token });
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toEqual({
      active: true,
      username: 'alice',
      'session-id': sessionId,
      'priv-lvl': 15,
      aaa: 'tacacs+',
      iat: expect.any(Number) as number,
      exp: expect.any(Number) as number,
      absolute_exp: expect.any(Number) as number,
    });
    const { iat, exp, absolute_exp: absoluteExp } = res.body as Record<string, number>;
    expect((exp ?? 0) - (iat ?? 0)).toBe(900);
    expect((absoluteExp ?? 0) - (iat ?? 0)).toBe(28_800);
  });

  it('accepts a form-encoded body, and touch=false does not count as activity', async () => {
    const token = await h.token();
    const res = await h
      .http()
      .post(PATH)
      .set('Authorization', client())
      .type('form')
      .send({ token, touch: 'false' });
    expect(res.body).toMatchObject({ active: true, username: 'alice' });
    const bad = await h.http().post(PATH).set('Authorization', client()).send({ token, touch: 'maybe' });
    expect(bad.status).toBe(400);
  });

  it('answers exactly {"active":false} for unknown, revoked and malformed tokens', async () => {
    const token = await h.token();
    const id = (await h.http().get('/api/v1/auth/token-services').set('X-auth-token', token)).body as {
      items: { 'session-id': string }[];
    };
    await h
      .http()
      .delete(`/api/v1/auth/token-services/${id.items[0]?.['session-id'] ?? ''}`)
      .set('X-auth-token', token);
    for (const t of [token, 'sd1.00AAAAAAAAAAAAAAAAAAA.' + 'A'.repeat(43), 'nonsense', 'x'.repeat(4000)]) {
      const res = await h.http().post(PATH).set('Authorization', client()).send({ token: t });
      expect(res.status).toBe(200);
      expect(res.text).toBe('{"active":false}');
    }
  });

  it('401 invalid_client for a missing or wrong client, with its own Basic realm', async () => {
    for (const authorization of [undefined, basic(INTROSPECTION_CLIENT.id, 'wrong'), basic('nobody', 'x')]) {
      const req = h.http().post(PATH).send({ token: 'x' });
      const res = await (authorization === undefined ? req : req.set('Authorization', authorization));
      expect(res.status).toBe(401);
      expect(res.headers['www-authenticate']).toBe('Basic realm="sessiond-introspect", charset="UTF-8"');
      expect(res.body).toMatchObject({ code: 'invalid_client' });
    }
  });

  it('400 without a token, 413 for a large body, 415 for another content type', async () => {
    const noToken = await h.http().post(PATH).set('Authorization', client()).send({ touch: true });
    expect(noToken.status).toBe(400);
    expect(noToken.body).toMatchObject({ code: 'invalid_request' });
    const badJson = await h
      .http()
      .post(PATH)
      .set('Authorization', client())
      .set('Content-Type', 'application/json')
      .send('{"token":');
    expect(badJson.status).toBe(400);
    const large = await h
      .http()
      .post(PATH)
      .set('Authorization', client())
      .send({ token: 'x'.repeat(20_000) });
    expect(large.status).toBe(413);
    expect(large.body).toMatchObject({ code: 'payload_too_large' });
    const xml = await h
      .http()
      .post(PATH)
      .set('Authorization', client())
      .set('Content-Type', 'application/xml')
      .send('<token/>');
    expect(xml.status).toBe(415);
    expect(xml.body).toMatchObject({ code: 'unsupported_media_type' });
    const empty = await h.http().post(PATH).set('Authorization', client());
    expect(empty.status).toBe(400);
  });

  it('re-reads the clients file when it changes: a removed client is refused at once, a new one accepted', async () => {
    const token = await h.token();
    const ask = (authorization: string) =>
      h.http().post(PATH).set('Authorization', authorization).send({ token });
    expect((await ask(client())).status).toBe(200);
    const newcomer = { id: 'orders-api', secret: 'orders-secret-0123456789abcdef' };
    const digest = (secret: string): string => `sha256:${createHash('sha256').update(secret).digest('hex')}`;
    const loads = h.services.introspectionClients.reloads;
    writeFileSync(
      `${h.clientsFile}.tmp`,
      JSON.stringify({ clients: [{ id: newcomer.id, secret: digest(newcomer.secret) }] }),
    );
    renameSync(`${h.clientsFile}.tmp`, h.clientsFile);
    await waitFor(() => h.services.introspectionClients.reloads > loads, {
      message: 'the clients file reload',
    });
    expect((await ask(client())).status).toBe(401);
    expect((await ask(basic(newcomer.id, newcomer.secret))).status).toBe(200);
    // A broken version keeps the previous clients.
    writeFileSync(h.clientsFile, '{ broken');
    await waitFor(() => h.logs.some((l) => l.includes('introspection clients file not reloaded')), {
      message: 'the reload error',
    });
    expect((await ask(basic(newcomer.id, newcomer.secret))).status).toBe(200);
  });
});
