import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from '@sessiond/test-utils';
import {
  COMMAND_LIMITS,
  decodeAcctRequest,
  decodeAuthorRequest,
  parseCommand,
  revealBody,
  TacacsClient,
  TacacsConfigError,
  type AuthorizationResult,
} from '../src';
import {
  ScriptedTacacsServer,
  TacacsServer,
  type AccountingRecord,
  type RequestLogEntry,
  type ScriptAction,
  type ScriptedRequest,
} from '@sessiond/tacacs-server';
import { KEY } from './helpers/fixtures';
import { bytes, naivePacket, u16 } from './helpers/naive-packet';

// Command authorization and accounting (issue 13, RFC 8907 §6, §7, §8.2) against the project's server
// with per-user command rules, and the exact wire attributes against a recording fake server.

const USERS = {
  users: [
    { username: 'netops', password: 'netops-pw', 'priv-lvl': 15, commands: { permit: ['show .*'] } },
    { username: 'viewer', password: 'viewer-pw', 'priv-lvl': 5, commands: { permit: ['show version'] } },
    { username: 'root', password: 'root-pw', 'priv-lvl': 15 },
  ],
};

let dir: string;
let server: TacacsServer;
let client: TacacsClient;
const log: RequestLogEntry[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tacacs-commands-'));
  server = new TacacsServer({
    key: KEY,
    users: USERS,
    accountingFile: join(dir, 'acct.jsonl'),
    onRequest: (entry) => log.push(entry),
  });
  await server.listen();
  client = new TacacsClient({ servers: [{ host: '127.0.0.1', port: server.port, key: KEY }], retries: 0 });
});

afterAll(async () => {
  await client.close();
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

const fakes: ScriptedTacacsServer[] = [];
const fakeClients: TacacsClient[] = [];
afterEach(async () => {
  await Promise.all(fakeClients.splice(0).map((c) => c.close()));
  await Promise.all(fakes.splice(0).map((f) => f.close()));
});

/** A recording fake server whose replies come from the naive builder; returns it and a client. */
async function recorder(
  reply: (request: ScriptedRequest) => ScriptAction,
): Promise<{ fake: ScriptedTacacsServer; tacacs: TacacsClient }> {
  const fake = new ScriptedTacacsServer(reply);
  await fake.listen();
  fakes.push(fake);
  const tacacs = new TacacsClient({
    servers: [{ host: '127.0.0.1', port: fake.port, key: KEY, readTimeoutMs: 2_000 }],
    retries: 0,
  });
  fakeClients.push(tacacs);
  return { fake, tacacs };
}

function replyTo(request: ScriptedRequest, body: Buffer): Buffer {
  const h = request.packet.header;
  return naivePacket(
    { version: h.version, type: h.type, seq: h.seqNo + 1, flags: 0, sessionId: h.sessionId },
    body,
    KEY,
  );
}

/** An authorization RESPONSE body (RFC 8907 §6.2) built by hand. */
function authorReply(status: number, args: readonly string[]): Buffer {
  return bytes(
    status,
    args.length,
    u16(0),
    u16(0),
    args.map((a) => Buffer.byteLength(a)),
    ...args,
  );
}

const ACCT_SUCCESS = bytes(u16(0), u16(0), 0x01);
const PASS_ADD = 0x01;
const PASS_REPL = 0x02;

function plain(request: ScriptedRequest | undefined): Buffer {
  if (request === undefined) throw new Error('no request recorded');
  return revealBody(request.packet, Buffer.from(KEY));
}

describe.each([
  ['netops', 'show version', true],
  ['netops', 'show running-config', true],
  ['netops', 'reload', false],
  ['viewer', 'show version', true],
  ['viewer', 'show running-config', false],
  ['viewer', 'reload', false],
  ['root', 'reload', true],
] as const)('%s: %s', (username, command, permitted) => {
  test(permitted ? 'is permitted with the user priv-lvl (PASS_ADD)' : 'is denied (FAIL)', async () => {
    const r = await client.authorizeCommand({ username, command, remAddr: '192.0.2.7', port: 'ssh' });
    if (!permitted) {
      expect(r).toEqual({
        status: 'fail',
        server: server.address,
        serverMsg: 'Command authorization failed',
        reason: 'fail',
      });
      return;
    }
    const [cmd, ...words] = command.split(' ');
    const level = username === 'viewer' ? 5 : 15;
    expect(r).toEqual({
      status: 'pass',
      server: server.address,
      serverMsg: '',
      privLvl: level,
      replaced: false,
      args: ['service=shell', `cmd=${cmd}`, ...words.map((w) => `cmd-arg=${w}`), `priv-lvl=${level}`],
    });
  });
});

test("the server's request log names the command and the rule that decided", async () => {
  log.length = 0;
  await client.authorizeCommand({ username: 'viewer', command: 'show  running-config' });
  await client.authorizeCommand({ username: 'netops', command: 'show ip route' });
  await waitFor(() => log.length >= 2, { intervalMs: 10, message: 'two request log entries' });
  expect(log.map((e) => [e.kind, e.username, e.result, e.detail])).toEqual([
    ['authorization', 'viewer', 'fail', 'cmd="show running-config" no permit rule matched'],
    ['authorization', 'netops', 'pass', 'cmd="show ip route" permit show .* priv-lvl=15'],
  ]);
});

test('the login authorization (no command) still passes with priv-lvl for a user with command rules', async () => {
  expect(await client.authorize({ username: 'viewer' })).toMatchObject({
    status: 'pass',
    privLvl: 5,
    args: ['service=shell', 'cmd=', 'priv-lvl=5'],
  });
});

test('authorize({ args }) with cmd / cmd-arg is a command authorization in the order given (issue 13)', async () => {
  // Before the fix, `service=shell cmd=` came first: viewer's `show version` failed, netops' reload passed.
  const ask = (username: string, args: string[]): Promise<AuthorizationResult> =>
    client.authorize({ username, args });
  expect((await ask('viewer', ['cmd=show', 'cmd-arg=version'])).status).toBe('pass');
  expect((await ask('netops', ['cmd=reload'])).status).toBe('fail');
  expect((await ask('viewer', ['cmd=show', 'cmd-arg=running-config'])).status).toBe('fail');
});

describe('wire attributes', () => {
  test('authorizeCommand sends service=shell, cmd=<word>, cmd-arg=<each further word>, in that order', async () => {
    const { fake, tacacs } = await recorder((request) => replyTo(request, authorReply(PASS_ADD, [])));
    await tacacs.authorizeCommand({
      username: 'netops',
      command: ' show\tinterfaces  GigabitEthernet0/1 ',
      remAddr: '198.51.100.4',
      port: 'api',
      privLvl: 15,
    });
    await tacacs.authorizeCommand({
      username: 'netops',
      command: 'interface',
      args: ['description uplink A'],
    });
    await tacacs.authorizeCommand({ username: 'netops', command: 'reload' });
    const [first, second, third] = fake.requests.map((r) => decodeAuthorRequest(plain(r)));
    expect(first).toEqual({
      authenMethod: 0x06, // TACACSPLUS
      privLvl: 15,
      authenType: 0x02, // PAP
      service: 0x01, // LOGIN
      user: 'netops',
      port: 'api',
      remAddr: '198.51.100.4',
      args: ['service=shell', 'cmd=show', 'cmd-arg=interfaces', 'cmd-arg=GigabitEthernet0/1'],
    });
    expect(second?.args).toEqual(['service=shell', 'cmd=interface', 'cmd-arg=description uplink A']);
    expect(third?.args).toEqual(['service=shell', 'cmd=reload']);
    expect(fake.requests.map((r) => r.packet.header.version)).toEqual([0xc0, 0xc0, 0xc0]);
  });

  test('authorize(): the login authorization is byte-identical (service=shell, cmd=); caller args keep their order', async () => {
    const { fake, tacacs } = await recorder((request) => replyTo(request, authorReply(PASS_ADD, [])));
    await tacacs.authorize({ username: 'u' });
    await tacacs.authorize({ username: 'u', args: ['cmd=show', 'cmd-arg=version'] });
    await tacacs.authorize({ username: 'u', args: ['protocol=ip'] });
    await tacacs.authorize({ username: 'u', args: ['service=ppp', 'protocol=ip'] });
    await tacacs.authorize({ username: 'u', args: ['cmd*configure', 'cmd-arg=terminal'] });
    expect(plain(fake.requests[0])).toEqual(
      bytes(0x06, 0x01, 0x02, 0x01, 1, 0, 0, 2, 13, 4, 'u', 'service=shell', 'cmd='),
    );
    expect(fake.requests.slice(1).map((r) => decodeAuthorRequest(plain(r)).args)).toEqual([
      ['service=shell', 'cmd=show', 'cmd-arg=version'],
      ['service=shell', 'cmd=', 'protocol=ip'],
      ['service=ppp', 'protocol=ip'],
      ['service=shell', 'cmd*configure', 'cmd-arg=terminal'],
    ]);
    await expect(tacacs.authorize({ username: 'u', args: ['cmd-arg=version'] })).rejects.toThrow(
      TacacsConfigError,
    );
  });

  test('accountCommand sends one STOP: task_id, elapsed_time=0, service=shell, priv-lvl, cmd=<line> <cr>', async () => {
    const { fake, tacacs } = await recorder((request) => replyTo(request, ACCT_SUCCESS));
    const r = await tacacs.accountCommand({
      username: 'netops',
      command: 'show running-config',
      taskId: '42',
      privLvl: 15,
      remAddr: '198.51.100.4',
      port: 'api',
      extraArgs: ['timezone=UTC', 'session-id*abc'],
    });
    expect(r).toEqual({ status: 'pass', server: fake.address, serverMsg: '' });
    await tacacs.accountCommand({ username: 'viewer', command: 'show', args: ['version'] });
    const [first, second] = fake.requests.map((q) => decodeAcctRequest(plain(q)));
    expect(first).toEqual({
      flags: 0x04, // STOP only
      authenMethod: 0x06,
      privLvl: 15,
      authenType: 0x02,
      service: 0x01,
      user: 'netops',
      port: 'api',
      remAddr: '198.51.100.4',
      // RFC 8907 §8.3: accounting arguments (timezone too) precede the authorization ones.
      args: [
        'task_id=42',
        'elapsed_time=0',
        'timezone=UTC',
        'service=shell',
        'priv-lvl=15',
        'cmd=show running-config <cr>',
        'session-id*abc',
      ],
    });
    expect(second?.privLvl).toBe(1);
    expect(second?.args).toEqual([
      expect.stringMatching(/^task_id=[0-9a-f-]{36}$/) as string,
      'elapsed_time=0',
      'service=shell',
      'priv-lvl=1',
      'cmd=show version <cr>',
    ]);
  });
});

describe('PASS_ADD and PASS_REPL (RFC 8907 §6.2)', () => {
  test("PASS_ADD: the request's arguments plus the server's; priv-lvl from the server's only", async () => {
    const { fake, tacacs } = await recorder((request) =>
      replyTo(request, authorReply(PASS_ADD, ['priv-lvl=7', 'timeout*10'])),
    );
    expect(await tacacs.authorizeCommand({ username: 'u', command: 'show version', privLvl: 15 })).toEqual({
      status: 'pass',
      server: fake.address,
      serverMsg: '',
      privLvl: 7,
      replaced: false,
      args: ['service=shell', 'cmd=show', 'cmd-arg=version', 'priv-lvl=7', 'timeout*10'],
    });
  });

  test('PASS_ADD without arguments: the request stands, privLvl 0 (the request priv_lvl is never used)', async () => {
    const { tacacs } = await recorder((request) => replyTo(request, authorReply(PASS_ADD, [])));
    expect(
      await tacacs.authorizeCommand({ username: 'u', command: 'show version', privLvl: 15 }),
    ).toMatchObject({
      status: 'pass',
      privLvl: 0,
      replaced: false,
      args: ['service=shell', 'cmd=show', 'cmd-arg=version'],
    });
  });

  test("PASS_REPL: the server's arguments replace the request's", async () => {
    const replacement = ['service=shell', 'cmd=show', 'cmd-arg=version', 'priv-lvl=3'];
    const { tacacs } = await recorder((request) => replyTo(request, authorReply(PASS_REPL, replacement)));
    expect(await tacacs.authorizeCommand({ username: 'u', command: 'show running-config' })).toMatchObject({
      status: 'pass',
      privLvl: 3,
      replaced: true,
      args: replacement,
    });
  });

  test('PASS_REPL with no arguments leaves none, and privLvl 0', async () => {
    const { tacacs } = await recorder((request) => replyTo(request, authorReply(PASS_REPL, [])));
    expect(await tacacs.authorizeCommand({ username: 'u', command: 'show version' })).toMatchObject({
      status: 'pass',
      privLvl: 0,
      replaced: true,
      args: [],
    });
  });
});

test('accountCommand is written to the accounting file as a STOP record', async () => {
  const r = await client.accountCommand({
    username: 'netops',
    command: 'show running-config',
    taskId: 'cmd-7',
    privLvl: 15,
    remAddr: '192.0.2.7',
    port: 'sessiond',
  });
  // The server answers SUCCESS once the record is written.
  expect(r.status).toBe('pass');
  const records = (await readFile(join(dir, 'acct.jsonl'), 'utf8'))
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as AccountingRecord);
  expect(records.find((record) => record.args['task_id'] === 'cmd-7')).toEqual({
    time: expect.any(String) as string,
    flag: 'stop',
    username: 'netops',
    port: 'sessiond',
    remAddr: '192.0.2.7',
    privLvl: 15,
    args: {
      task_id: 'cmd-7',
      elapsed_time: '0',
      service: 'shell',
      'priv-lvl': '15',
      cmd: 'show running-config <cr>',
    },
  });
});

describe('invalid commands throw TacacsConfigError before any server is contacted', () => {
  const long = (n: number): string => 'x'.repeat(n);
  test.each([
    ['an empty command', { command: '' }],
    ['a blank command', { command: ' \t ' }],
    ['a non-string command', { command: 42 as unknown as string }],
    ['a newline in the command', { command: 'show version\nreload' }],
    ['a control character in an argument', { command: 'show', args: ['ver\u0000sion'] }],
    ['a command word over 251 bytes', { command: long(COMMAND_LIMITS.maxCommandBytes + 1) }],
    ['an argument over 247 bytes', { command: `show ${long(COMMAND_LIMITS.maxArgBytes + 1)}` }],
    ['a multi-byte argument over 247 bytes', { command: 'show', args: ['é'.repeat(124)] }],
    ['more than 253 arguments', { command: 'show', args: Array.from({ length: 254 }, () => 'a') }],
    ['a command line with args', { command: 'show version', args: ['detail'] }],
    ['an empty argument', { command: 'show', args: [''] }],
    ['a privLvl above 15', { command: 'show version', privLvl: 16 }],
  ])('%s', async (_name, fields) => {
    const { fake, tacacs } = await recorder((request) => replyTo(request, authorReply(PASS_ADD, [])));
    await expect(tacacs.authorizeCommand({ username: 'u', ...fields })).rejects.toThrow(TacacsConfigError);
    await expect(tacacs.accountCommand({ username: 'u', ...fields })).rejects.toThrow(TacacsConfigError);
    expect(fake.requests).toHaveLength(0);
  });

  test('the limits themselves are accepted', async () => {
    const { fake, tacacs } = await recorder((request) => replyTo(request, authorReply(PASS_ADD, [])));
    const command = long(COMMAND_LIMITS.maxCommandBytes);
    const args = Array.from({ length: COMMAND_LIMITS.maxArgs }, () => 'a');
    expect((await tacacs.authorizeCommand({ username: 'u', command, args })).status).toBe('pass');
    expect(decodeAuthorRequest(plain(fake.requests[0])).args).toHaveLength(255);
    expect(parseCommand(`show ${long(COMMAND_LIMITS.maxArgBytes)}`).cmdArgs[0]).toHaveLength(247);
  });

  test('accountCommand: a line longer than one argument holds, or extraArgs that set its own fields', async () => {
    const { fake, tacacs } = await recorder((request) => replyTo(request, ACCT_SUCCESS));
    const fits = `show ${long(COMMAND_LIMITS.maxAccountedLineBytes - 5)}`;
    const over = `${fits}x`;
    expect((await tacacs.accountCommand({ username: 'u', command: fits })).status).toBe('pass');
    await expect(tacacs.accountCommand({ username: 'u', command: over })).rejects.toThrow(TacacsConfigError);
    await expect(
      tacacs.accountCommand({ username: 'u', command: 'show', extraArgs: ['cmd=reload'] }),
    ).rejects.toThrow(TacacsConfigError);
    await expect(tacacs.accountCommand({ username: 'u', command: 'show', taskId: '' })).rejects.toThrow(
      TacacsConfigError,
    );
    expect(fake.requests).toHaveLength(1);
  });
});
