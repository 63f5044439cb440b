import { randomBytes } from 'node:crypto';
import { waitFor } from '@sessiond/test-utils';
import {
  privLevelOf,
  revealBody,
  TacacsClient,
  TacacsConfigError,
  TacacsProtocolError,
  type TacacsClientEvent,
  type TacacsServerConfig,
} from '../src';
import {
  ScriptedTacacsServer,
  TacacsServer,
  type ScriptAction,
  type ScriptedRequest,
} from '@sessiond/tacacs-server';
import { KEY, USERS } from './helpers/fixtures';
import { bytes, naivePacket, u16 } from './helpers/naive-packet';

// Client behaviour against a scripted fake server: replies are built with the naive test builder.

const fakes: ScriptedTacacsServer[] = [];
const clients: TacacsClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await Promise.all(fakes.splice(0).map((f) => f.close()));
});

async function fake(script: (request: ScriptedRequest) => ScriptAction): Promise<ScriptedTacacsServer> {
  const server = new ScriptedTacacsServer(script);
  await server.listen();
  fakes.push(server);
  return server;
}

function clientFor(
  server: ScriptedTacacsServer,
  extra: Partial<TacacsServerConfig> = {},
  events?: TacacsClientEvent[],
): TacacsClient {
  const client = new TacacsClient({
    servers: [{ host: '127.0.0.1', port: server.port, key: KEY, readTimeoutMs: 1_000, ...extra }],
    retries: 0,
    holdDownMs: 0,
    ...(events !== undefined ? { onEvent: (e: TacacsClientEvent) => events.push(e) } : {}),
  });
  clients.push(client);
  return client;
}

/** A reply to `request` with the given plain body; header fields can be overridden to break it. */
function replyTo(
  request: ScriptedRequest,
  body: Buffer,
  override: { seq?: number; sessionId?: number; type?: number; flags?: number; key?: string } = {},
): Buffer {
  const h = request.packet.header;
  return naivePacket(
    {
      version: h.version,
      type: override.type ?? h.type,
      seq: override.seq ?? h.seqNo + 1,
      flags: override.flags ?? 0,
      sessionId: override.sessionId ?? h.sessionId,
    },
    body,
    override.key ?? KEY,
  );
}

const AUTHEN_PASS = bytes(0x01, 0x00, u16(0), u16(0));
const passFor = (request: ScriptedRequest): Buffer => {
  const type = request.packet.header.type;
  const body =
    type === 1
      ? AUTHEN_PASS
      : type === 2
        ? bytes(0x01, 1, u16(0), u16(0), 10, 'priv-lvl=3')
        : bytes(u16(0), u16(0), 0x01);
  return replyTo(request, body);
};

test('minor versions per flow: PAP and CHAP START 0xC1, ASCII 0xC0, authorization and accounting 0xC0', async () => {
  const server = await fake((request) => passFor(request));
  const client = clientFor(server);
  await client.authenticate({ username: 'u', password: 'p', type: 'pap' });
  await client.authenticate({ username: 'u', password: 'p', type: 'chap' });
  await client.authenticate({ username: 'u', password: 'p', type: 'ascii' });
  await client.authorize({ username: 'u' });
  await client.accounting({ flag: 'start', username: 'u', taskId: '1' });
  await client.authenticate({ username: 'u', password: 'p', type: 'pap' }); // not "sticky" after ASCII
  expect(server.requests.map((r) => r.packet.header.version)).toEqual([0xc1, 0xc1, 0xc0, 0xc0, 0xc0, 0xc1]);
  expect(server.requests.map((r) => r.packet.header.seqNo)).toEqual([1, 1, 1, 1, 1, 1]);
});

test('PAP sends the password as START data; CHAP sends id ‖ 16-byte challenge ‖ MD5 response', async () => {
  const server = await fake((request) => passFor(request));
  const client = clientFor(server);
  await client.authenticate({
    username: 'alice',
    password: 'pw',
    type: 'pap',
    remAddr: '203.0.113.9',
    port: 'api',
  });
  await client.authenticate({ username: 'alice', password: 'pw', type: 'chap' });
  const [pap, chap] = server.requests.map((r) => revealBody(r.packet, Buffer.from(KEY)));
  expect(pap).toEqual(bytes(0x01, 0x01, 0x02, 0x01, 5, 3, 11, 2, 'alice', 'api', '203.0.113.9', 'pw'));
  expect(chap?.subarray(0, 8)).toEqual(bytes(0x01, 0x01, 0x03, 0x01, 5, 0, 0, 33));
});

test('every session gets a fresh random non-zero session_id', async () => {
  const server = await fake((request) => passFor(request));
  const client = clientFor(server);
  for (let i = 0; i < 30; i += 1) await client.authenticate({ username: 'u', password: 'p' });
  const ids = server.requests.map((r) => r.packet.header.sessionId);
  expect(new Set(ids).size).toBe(30);
  expect(ids.every((id) => id !== 0)).toBe(true);
});

describe.each([
  ['seq_no not request + 1', { seq: 4 }, 'bad-sequence'],
  ['another session_id', { sessionId: 12345 }, 'bad-session'],
  ['another packet type', { type: 3 }, 'bad-type'],
  ['the UNENCRYPTED flag on an obfuscated session', { flags: 1 }, 'unencrypted-refused'],
])('a reply with %s', (_name, override, reason) => {
  test('is a protocol error and the server counts as unusable', async () => {
    const server = await fake((request) => replyTo(request, AUTHEN_PASS, override));
    const r = await clientFor(server).authenticate({ username: 'u', password: 'p' });
    if (r.status !== 'unavailable') throw new Error(`expected unavailable, got ${r.status}`);
    expect(r.reason).toBe('error');
    expect(r.error.causes[0]?.error).toBeInstanceOf(TacacsProtocolError);
    expect((r.error.causes[0]?.error as TacacsProtocolError).reason).toBe(reason);
  });
});

test('a reply header announcing more than maxBodyLength is refused before reading the body', async () => {
  const server = await fake(() => Buffer.from([0xc1, 0x01, 0x02, 0x00, 0, 0, 0, 1, 0x00, 0x10, 0x00, 0x00]));
  const r = await clientFor(server).authenticate({ username: 'u', password: 'p' });
  expect(r.status === 'unavailable' && (r.error.causes[0]?.error as TacacsProtocolError).reason).toBe(
    'too-long',
  );
});

test('ASCII: GETUSER and GETPASS are answered once; a second prompt is aborted and fails', async () => {
  const prompt = (status: number): Buffer => bytes(status, 0x00, u16(2), u16(0), '? ');
  const server = await fake((request) => {
    const seq = request.packet.header.seqNo;
    if (seq === 1) return replyTo(request, prompt(0x04)); // GETUSER
    if (seq === 3) return replyTo(request, prompt(0x05)); // GETPASS
    if (seq === 5) return replyTo(request, prompt(0x05)); // GETPASS again
    return undefined;
  });
  const r = await clientFor(server).authenticate({ username: 'alice', password: 'pw', type: 'ascii' });
  expect(r).toMatchObject({ status: 'fail', reason: 'unexpected' });
  await waitForRequests(server, 4);
  const plain = server.requests.map((q) => revealBody(q.packet, Buffer.from(KEY)));
  expect(plain[1]).toEqual(bytes(u16(5), u16(0), 0x00, 'alice'));
  expect(plain[2]).toEqual(bytes(u16(2), u16(0), 0x00, 'pw'));
  expect(plain[3]).toEqual(bytes(u16(0), u16(0), 0x01)); // CONTINUE with the abort flag
});

test('PAP answered with a legacy password prompt (GETPASS) is aborted and fails, never failed over', async () => {
  const server = await fake((request) =>
    request.packet.header.seqNo === 1 ? replyTo(request, bytes(0x05, 0x01, u16(0), u16(0))) : undefined,
  );
  const r = await clientFor(server).authenticate({ username: 'alice', password: 'pw' });
  expect(r).toMatchObject({ status: 'fail', reason: 'unexpected' });
  await waitForRequests(server, 2);
  expect(revealBody((server.requests[1] as ScriptedRequest).packet, Buffer.from(KEY))).toEqual(
    bytes(u16(0), u16(0), 0x01),
  );
});

test('an unknown authentication status ends as FAIL', async () => {
  const server = await fake((request) =>
    request.packet.header.seqNo === 1 ? replyTo(request, bytes(0x42, 0, u16(0), u16(0))) : undefined,
  );
  expect(await clientFor(server).authenticate({ username: 'u', password: 'p' })).toMatchObject({
    status: 'fail',
    reason: 'unexpected',
  });
});

test('authorization PASS_REPL replaces the arguments; priv-lvl missing or invalid is 0', async () => {
  let args: string[] = ['priv-lvl=9', 'idletime=5'];
  const server = await fake((request) => {
    const lens = args.map((a) => Buffer.byteLength(a));
    return replyTo(request, bytes(0x02, args.length, u16(0), u16(0), lens, ...args));
  });
  const client = clientFor(server);
  expect(await client.authorize({ username: 'u' })).toMatchObject({
    status: 'pass',
    privLvl: 9,
    replaced: true,
    args: ['priv-lvl=9', 'idletime=5'],
  });
  args = ['idletime=5'];
  expect(await client.authorize({ username: 'u' })).toMatchObject({ status: 'pass', privLvl: 0 });
  args = ['priv-lvl=99'];
  expect(await client.authorize({ username: 'u' })).toMatchObject({ status: 'pass', privLvl: 0 });
  expect(privLevelOf(['priv-lvl*5'])).toBe(5);
  expect(privLevelOf(['priv-lvl=15', 'priv-lvl=x'])).toBe(0);
  expect(privLevelOf([])).toBe(0);
});

test('a stale single-connect connection (closed as the next request arrives) is replaced once, transparently', async () => {
  const server = await fake((request) => {
    if (request.connection === 0 && request.packet.header.sessionId === firstSession(server)) {
      return replyTo(request, AUTHEN_PASS, { flags: 0x04 });
    }
    if (request.connection === 0) return 'close';
    return replyTo(request, AUTHEN_PASS);
  });
  const client = clientFor(server, { singleConnect: true });
  expect((await client.authenticate({ username: 'u', password: 'p' })).status).toBe('pass');
  expect((await client.authenticate({ username: 'u', password: 'p' })).status).toBe('pass');
  expect(server.connectionCount).toBe(2);
  expect(client.stats()[0]).toMatchObject({ attempts: 2, errors: 0, passes: 2 });
  // The first packet on each connection asks for single-connect, and once agreed every packet carries
  // the flag (servers such as tac_plus -S keep a connection only if a session's last packet had it).
  expect(server.requests.map((r) => r.packet.header.flags & 0x04)).toEqual([0x04, 0x04, 0x04]);
});

function firstSession(server: ScriptedTacacsServer): number | undefined {
  return server.requests[0]?.packet.header.sessionId;
}

/** Waits (generously: a loaded machine) until `count` requests arrived; exactly `count`, no more. */
async function waitForRequests(server: ScriptedTacacsServer, count: number): Promise<void> {
  await waitFor(() => server.requests.length >= count, {
    intervalMs: 10,
    message: `${count} requests at the fake server`,
  });
  expect(server.requests.length).toBe(count);
}

test('whatever bytes a server sends, the client returns a result and never throws', async () => {
  let reply = Buffer.alloc(0);
  const server = await fake((request) => {
    // Half the time a real header with a random body, half the time raw random bytes.
    return reply.length % 2 === 0
      ? Buffer.concat([replyTo(request, Buffer.alloc(0)).subarray(0, 8), reply])
      : reply;
  });
  const client = clientFor(server, { readTimeoutMs: 100 });
  for (let i = 0; i < 150; i += 1) {
    reply = randomBytes(1 + (i % 40));
    const r = await client.authenticate({
      username: 'u',
      password: 'p',
      type: i % 3 === 0 ? 'ascii' : 'pap',
    });
    expect(['pass', 'fail', 'unavailable']).toContain(r.status);
  }
});

describe('options', () => {
  test('an empty key is refused unless unencrypted: true', () => {
    expect(() => new TacacsClient({ servers: [{ host: '127.0.0.1', port: 49, key: '' }] })).toThrow(
      TacacsConfigError,
    );
    expect(() => new TacacsClient({ servers: [] })).toThrow(TacacsConfigError);
    expect(() => new TacacsClient({ servers: [{ host: '', key: 'k' }] })).toThrow(TacacsConfigError);
    expect(() => new TacacsClient({ servers: [{ host: 'h', key: 'k', port: 70_000 }] })).toThrow(
      TacacsConfigError,
    );
    expect(() => new TacacsClient({ servers: [{ host: 'h', key: 'k', readTimeoutMs: 0 }] })).toThrow(
      TacacsConfigError,
    );
    expect(() => new TacacsClient({ servers: [{ host: 'h', key: 'k' }], retries: -1 })).toThrow(
      TacacsConfigError,
    );
  });

  test('a key shorter than 16 characters draws a weak-key event that does not reveal it', () => {
    const events: TacacsClientEvent[] = [];
    clients.push(
      new TacacsClient({ servers: [{ host: '127.0.0.1', key: 'short' }], onEvent: (e) => events.push(e) }),
    );
    expect(events).toEqual([{ type: 'weak-key', server: '127.0.0.1:49', keyLength: 5 }]);
  });

  test('unencrypted: true with an empty key talks to an unencrypted server with the UNENCRYPTED flag', async () => {
    const server = new TacacsServer({ key: '', unencrypted: true, users: USERS });
    await server.listen();
    try {
      const client = new TacacsClient({
        servers: [{ host: '127.0.0.1', port: server.port, key: '' }],
        unencrypted: true,
      });
      clients.push(client);
      expect((await client.authenticate({ username: 'alice', password: 'alice-pw' })).status).toBe('pass');
      expect((await client.authenticate({ username: 'alice', password: 'x' })).status).toBe('fail');
    } finally {
      await server.close();
    }
  });

  test('an unencrypted client is refused by a server that has a key (ERROR → unavailable)', async () => {
    const server = new TacacsServer({ key: KEY, users: USERS });
    await server.listen();
    try {
      const client = new TacacsClient({
        servers: [{ host: '127.0.0.1', port: server.port, key: '' }],
        unencrypted: true,
        retries: 0,
      });
      clients.push(client);
      expect((await client.authenticate({ username: 'alice', password: 'alice-pw' })).status).toBe(
        'unavailable',
      );
    } finally {
      await server.close();
    }
  });
});
