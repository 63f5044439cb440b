import { readFileSync } from 'node:fs';
import { connect as tlsConnect, createServer as createTlsServer, type Server as TlsServer } from 'node:tls';
import {
  createTestCertificates,
  startSilentServer,
  waitFor,
  type TestCertificates,
} from '@sessiond/test-utils';
import { TacacsServer, type TacacsServerOptions, type TacacsServerTlsOptions } from '@sessiond/tacacs-server';
import {
  TacacsClient,
  TacacsConfigError,
  TacacsProtocolError,
  TacacsTimeoutError,
  TacacsTlsError,
  tlsTransport,
  type TacacsClientOptions,
  type TacacsUnavailable,
  type TlsTransportOptions,
} from '../src';
import { USERS } from './helpers/fixtures';

// RFC 9887 matrix against the project's server over real TLS 1.3 sockets; certificates are made with
// openssl at test time (test-utils), never committed.

let certs: TestCertificates;
const servers: TacacsServer[] = [];
const clients: TacacsClient[] = [];
const rawServers: TlsServer[] = [];

beforeAll(async () => {
  certs = await createTestCertificates();
});
afterAll(() => certs.destroy());
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await Promise.all(servers.splice(0).map((s) => s.close()));
  await Promise.all(rawServers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

const read = (file: string): Buffer => readFileSync(file);

function serverTls(overrides: Partial<TacacsServerTlsOptions> = {}): TacacsServerTlsOptions {
  return { cert: read(certs.serverCertFile), key: read(certs.serverKeyFile), ...overrides };
}

async function startTlsServer(options: Partial<TacacsServerOptions> = {}): Promise<TacacsServer> {
  const server = new TacacsServer({ users: USERS, tls: serverTls(), ...options });
  await server.listen();
  servers.push(server);
  return server;
}

function client(
  port: number,
  transport: Partial<TlsTransportOptions> = {},
  options: Partial<TacacsClientOptions> = {},
  host = '127.0.0.1',
): TacacsClient {
  const c = new TacacsClient({
    servers: [{ host, port, connectTimeoutMs: 2000, readTimeoutMs: 2000 }],
    transport: tlsTransport({ ca: read(certs.caFile), ...transport }),
    retries: 0,
    ...options,
  });
  clients.push(c);
  return c;
}

function firstCause(result: { status: string }): unknown {
  return (result as TacacsUnavailable).error.causes[0]?.error;
}

describe('TACACS+ over TLS 1.3 (RFC 9887)', () => {
  it('authenticates (pass and fail), authorizes and accounts with the key unused', async () => {
    const server = await startTlsServer();
    const c = client(server.port);
    await expect(c.authenticate({ username: 'alice', password: 'alice-pw' })).resolves.toMatchObject({
      status: 'pass',
      server: server.address,
    });
    await expect(c.authenticate({ username: 'alice', password: 'wrong' })).resolves.toMatchObject({
      status: 'fail',
    });
    await expect(c.authorize({ username: 'alice' })).resolves.toMatchObject({ status: 'pass', privLvl: 15 });
    await expect(c.accounting({ flag: 'start', username: 'alice', taskId: 't1' })).resolves.toMatchObject({
      status: 'pass',
    });
    expect(server.stats().accountingRecords).toBe(1);
  });

  it('ignores a configured key: packets carry UNENCRYPTED and the key is never needed', async () => {
    const server = await startTlsServer();
    const c = new TacacsClient({
      servers: [{ host: '127.0.0.1', port: server.port, key: 'a key RFC 9887 says not to use' }],
      transport: tlsTransport({ ca: read(certs.caFile) }),
    });
    clients.push(c);
    await expect(c.authenticate({ username: 'bob', password: 'bob-pw' })).resolves.toMatchObject({
      status: 'pass',
    });
  });

  it('defaults a server without a port to 300 (RFC 9887 §3.1)', async () => {
    const events: string[] = [];
    const c = new TacacsClient({
      servers: [{ host: '127.0.0.1', connectTimeoutMs: 500 }],
      transport: tlsTransport({ ca: read(certs.caFile) }),
      retries: 0,
      onEvent: (event) => events.push(event.type === 'attempt' ? event.server : ''),
    });
    clients.push(c);
    const result = await c.authenticate({ username: 'alice', password: 'alice-pw' });
    expect(result.status).toBe('unavailable');
    expect(events).toContain('127.0.0.1:300');
  });

  it('an untrusted CA: TacacsTlsError verify, reason tls, the server not held down', async () => {
    const server = await startTlsServer();
    const c = client(server.port, { ca: read(certs.otherCaFile) });
    const result = await c.authenticate({ username: 'alice', password: 'alice-pw' });
    expect(result).toMatchObject({ status: 'unavailable', reason: 'tls' });
    const error = firstCause(result);
    expect(error).toBeInstanceOf(TacacsTlsError);
    expect(error).toMatchObject({ code: 'TACACS_TLS', reason: 'verify' });
    expect((error as Error).message).toMatch(
      /TLS verification .* failed \((UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT_LOCALLY)/,
    );
    expect(c.stats()[0]?.heldDownUntil).toBeUndefined();
  });

  it('a wrong hostname fails verification; the servername override fixes it', async () => {
    const server = await startTlsServer({
      tls: serverTls({ cert: read(certs.namedServerCertFile), key: read(certs.namedServerKeyFile) }),
    });
    const byIp = await client(server.port).authenticate({ username: 'alice', password: 'alice-pw' });
    expect(byIp).toMatchObject({ status: 'unavailable', reason: 'tls' });
    expect(firstCause(byIp)).toMatchObject({ reason: 'verify' });
    expect((firstCause(byIp) as Error).message).toContain('ERR_TLS_CERT_ALTNAME_INVALID');
    const wrongName = await client(server.port, { servername: 'other.test' }).authenticate({
      username: 'alice',
      password: 'alice-pw',
    });
    expect(firstCause(wrongName)).toMatchObject({ reason: 'verify' });
    await expect(
      client(server.port, { servername: 'tacacs.test' }).authenticate({
        username: 'alice',
        password: 'alice-pw',
      }),
    ).resolves.toMatchObject({ status: 'pass' });
  });

  it('checks a DNS name as well: localhost verifies against the same certificate', async () => {
    const server = await startTlsServer();
    await expect(
      client(server.port, {}, {}, 'localhost').authenticate({ username: 'alice', password: 'alice-pw' }),
    ).resolves.toMatchObject({ status: 'pass' });
  });

  describe('mutual TLS', () => {
    const mutual = (): Partial<TacacsServerOptions> => ({
      tls: serverTls({ ca: read(certs.caFile), requireClientCert: true }),
    });

    it('a client certificate signed by the CA is accepted', async () => {
      const server = await startTlsServer(mutual());
      const c = client(server.port, { cert: read(certs.clientCertFile), key: read(certs.clientKeyFile) });
      await expect(c.authenticate({ username: 'alice', password: 'alice-pw' })).resolves.toMatchObject({
        status: 'pass',
      });
    });

    it('without a client certificate: a typed TLS handshake error, never a FAIL', async () => {
      const server = await startTlsServer(mutual());
      const result = await client(server.port).authenticate({ username: 'alice', password: 'alice-pw' });
      expect(result).toMatchObject({ status: 'unavailable', reason: 'tls' });
      expect(firstCause(result)).toBeInstanceOf(TacacsTlsError);
      expect(firstCause(result)).toMatchObject({ reason: 'handshake' });
      expect((firstCause(result) as Error).message).toMatch(/CERTIFICATE_REQUIRED/);
      await waitFor(() => server.stats().tlsHandshakeFailures >= 1);
    });
  });

  it('an obfuscated reply inside TLS ends the session with a typed protocol error (RFC 9887 §4)', async () => {
    const server = await startTlsServer({ fault: { type: 'obfuscated-reply' } });
    const result = await client(server.port).authenticate({ username: 'alice', password: 'alice-pw' });
    expect(result).toMatchObject({ status: 'unavailable', reason: 'error' });
    const error = firstCause(result);
    expect(error).toBeInstanceOf(TacacsProtocolError);
    expect(error).toMatchObject({ reason: 'unencrypted-refused' });
    expect((error as Error).message).toContain('RFC 9887');
  });

  it('the server answers ERROR to a request without the UNENCRYPTED flag (RFC 9887 §4)', async () => {
    const server = await startTlsServer();
    // An obfuscating client over a TLS socket: what a client that ignores RFC 9887 §4 sends.
    const obfuscating = new TacacsClient({
      servers: [{ host: '127.0.0.1', port: server.port, key: 'a-key-that-obfuscates-0123' }],
      transport: { ...tlsTransport({ ca: read(certs.caFile) }), obfuscates: true },
      retries: 0,
    });
    clients.push(obfuscating);
    const result = await obfuscating.authenticate({ username: 'alice', password: 'alice-pw' });
    // The ERROR reply carries UNENCRYPTED, which this (wrong) client refuses: either way, no PASS.
    expect(result.status).toBe('unavailable');
    await waitFor(() => (server.stats().results['error'] ?? 0) === 1);
  });

  it('the server refuses a TLS 1.2 client', async () => {
    const server = await startTlsServer();
    const error = await new Promise<NodeJS.ErrnoException>((resolve, reject) => {
      const socket = tlsConnect({
        host: '127.0.0.1',
        port: server.port,
        ca: read(certs.caFile),
        maxVersion: 'TLSv1.2',
      });
      socket.once('secureConnect', () => reject(new Error('a TLS 1.2 handshake succeeded')));
      socket.once('error', resolve);
    });
    expect(error.code).toMatch(/PROTOCOL_VERSION|UNSUPPORTED_PROTOCOL/);
    await waitFor(() => server.stats().tlsHandshakeFailures >= 1);
    expect(server.stats().connectionsAccepted).toBe(0);
  });

  it('the client refuses a TLS-1.2-only server (protocol-version), not held down', async () => {
    const raw = createTlsServer({
      cert: read(certs.serverCertFile),
      key: read(certs.serverKeyFile),
      maxVersion: 'TLSv1.2',
    });
    raw.on('tlsClientError', () => undefined);
    rawServers.push(raw);
    await new Promise<void>((resolve) => raw.listen(0, '127.0.0.1', resolve));
    const port = (raw.address() as { port: number }).port;
    const c = client(port);
    const result = await c.authenticate({ username: 'alice', password: 'alice-pw' });
    expect(result).toMatchObject({ status: 'unavailable', reason: 'tls' });
    expect(firstCause(result)).toMatchObject({ code: 'TACACS_TLS', reason: 'protocol-version' });
    expect(c.stats()[0]?.heldDownUntil).toBeUndefined();
  });

  it('a server that accepts TCP but never answers the handshake: the connect timeout, then hold-down', async () => {
    const silent = await startSilentServer();
    try {
      const c = client(
        silent.port,
        {},
        {
          servers: [{ host: '127.0.0.1', port: silent.port, connectTimeoutMs: 200 }],
          holdDownMs: 60_000,
        },
      );
      const result = await c.authenticate({ username: 'alice', password: 'alice-pw' });
      expect(result).toMatchObject({ status: 'unavailable', reason: 'timeout' });
      expect(firstCause(result)).toBeInstanceOf(TacacsTimeoutError);
      expect(firstCause(result)).toMatchObject({ phase: 'connect' });
      expect(c.stats()[0]?.heldDownUntil).toEqual(expect.any(Number));
    } finally {
      await silent.close();
    }
  });

  it('fails over from a server whose certificate does not verify to the next one', async () => {
    const bad = await startTlsServer({
      tls: serverTls({ cert: read(certs.namedServerCertFile), key: read(certs.namedServerKeyFile) }),
    });
    const good = await startTlsServer();
    const c = new TacacsClient({
      servers: [
        { host: '127.0.0.1', port: bad.port },
        { host: '127.0.0.1', port: good.port },
      ],
      transport: tlsTransport({ ca: read(certs.caFile) }),
    });
    clients.push(c);
    await expect(c.authenticate({ username: 'alice', password: 'alice-pw' })).resolves.toMatchObject({
      status: 'pass',
      server: good.address,
    });
  });

  it.each(['multiplex', 'tac-plus'] as const)(
    'single-connect (%s): concurrent distinct logins and accounting on few TLS connections',
    async (mode) => {
      const users = Array.from({ length: 20 }, (_, i) => ({
        username: `u${i}`,
        password: `pw-${i}`,
        'priv-lvl': 15,
      }));
      const server = await startTlsServer({ users: { users }, singleConnectMode: mode });
      const c = new TacacsClient({
        servers: [{ host: '127.0.0.1', port: server.port, singleConnect: true }],
        transport: tlsTransport({ ca: read(certs.caFile) }),
        maxConnections: 4,
      });
      clients.push(c);
      const logins = await Promise.all(
        users.map((u, i) =>
          c.authenticate({ username: u.username, password: i % 3 === 0 ? 'wrong' : u.password }),
        ),
      );
      expect(logins.map((r) => r.status)).toEqual(users.map((_, i) => (i % 3 === 0 ? 'fail' : 'pass')));
      const records = await Promise.all(
        users.map((u, i) => c.accounting({ flag: 'start', username: u.username, taskId: `t${i}` })),
      );
      expect(records.every((r) => r.status === 'pass')).toBe(true);
      expect(server.stats().accountingRecords).toBe(users.length);
      expect(server.stats().connectionsAccepted).toBeLessThanOrEqual(4);
    },
  );

  it('TLS-PSK (TLS 1.3 external PSK, RFC 9887 §3.4.2) authenticates without certificates', async () => {
    const psk = Buffer.from('0123456789abcdef0123456789abcdef', 'hex');
    const server = await startTlsServer({ tls: serverTls({ psks: new Map([['nas-1', psk]]) }) });
    const c = new TacacsClient({
      servers: [{ host: '127.0.0.1', port: server.port }],
      transport: tlsTransport({ psk: { identity: 'nas-1', key: psk } }),
      retries: 0,
    });
    clients.push(c);
    await expect(c.authenticate({ username: 'alice', password: 'alice-pw' })).resolves.toMatchObject({
      status: 'pass',
    });
  });

  it('refuses bad transport options before any I/O', () => {
    expect(() => tlsTransport({})).toThrow(/ca is required/);
    expect(() => tlsTransport({ ca: 'x', cert: 'y' })).toThrow(/both cert and key/);
    expect(() => tlsTransport({ psk: { identity: 'n', key: Buffer.alloc(8) } })).toThrow(/16 bytes/);
    expect(() => tlsTransport({ ca: 'not a certificate' })).toThrow(TacacsConfigError);
  });
});
