import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UsersFileError } from '@sessiond/passwords';
import { TacacsClient } from '@sessiond/tacacs-plus';
import { TacacsServer } from '../src';
import { decideCommand, parseCommandRules } from '../src/server/command-rules';
import { shellCommandLine } from '../src/server/shell-command';
import { parseServerUsers } from '../src/server/users-document';
import { KEY } from './helpers/fixtures';

const DEMO_USERS = join(__dirname, '..', '..', '..', 'config', 'demo', 'tacacs-users.json');

describe('command rules', () => {
  const rules = parseCommandRules(
    { permit: ['show .*', 'ping [0-9.]+'], deny: ['show running-config'] },
    'x',
  );

  test.each([
    ['show version', true, 'permit show .*'],
    ['show running-config', false, 'deny show running-config'],
    ['show running-config all', true, 'permit show .*'], // anchored: the deny rule is the whole line
    ['ping 192.0.2.1', true, 'permit ping [0-9.]+'],
    ['ping example.org', false, 'no permit rule matched'],
    ['xshow version', false, 'no permit rule matched'], // anchored at the start too
    ['reload', false, 'no permit rule matched'],
  ])('%s → %s', (line, permit, reason) => {
    expect(decideCommand(rules, line)).toEqual({ permit, reason });
  });

  test('without rules every command is permitted; with empty rules none is', () => {
    expect(decideCommand(undefined, 'reload')).toEqual({ permit: true, reason: 'no command rules' });
    expect(decideCommand(parseCommandRules({}, 'x'), 'show version').permit).toBe(false);
  });

  test.each([
    ['not an object', ['show .*'], '"commands" must be an object'],
    ['an unknown list', { allow: ['show .*'] }, '"commands" has an unknown property "allow"'],
    ['a list that is not an array', { permit: 'show .*' }, '"commands.permit" must be an array'],
    ['an empty pattern', { deny: [''] }, '"commands.deny[0]" must be a non-empty string'],
    [
      'an invalid expression',
      { permit: ['show (version'] },
      '"commands.permit[0]" is not a valid regular expression',
    ],
  ])('%s is a UsersFileError naming the entry', (_name, raw, message) => {
    expect(() => parseCommandRules(raw, 'users file: users[3]')).toThrow(UsersFileError);
    expect(() => parseCommandRules(raw, 'users file: users[3]')).toThrow(`users file: users[3]: ${message}`);
  });
});

describe('the command line of an authorization request', () => {
  test.each([
    [['service=shell', 'cmd='], undefined],
    [['service=shell'], undefined],
    [['service=shell', 'cmd=show', 'cmd-arg=version'], 'show version'],
    [['service=shell', 'cmd*show', 'cmd-arg*ip', 'cmd-arg=route'], 'show ip route'],
    // Cisco IOS ends the arguments with cmd-arg=<cr>.
    [['service=shell', 'cmd=show', 'cmd-arg=version', 'cmd-arg=<cr>'], 'show version'],
    [['service=shell', 'cmd=interface', 'cmd-arg=description uplink A'], 'interface description uplink A'],
    [['cmd-arg=version', 'service=shell', 'cmd=show'], 'show version'],
  ])('%j → %s', (args, line) => {
    expect(shellCommandLine(args)).toBe(line);
  });
});

describe('users document with commands', () => {
  test('commands are taken out before @sessiond/passwords validates the rest', () => {
    const { database, commands } = parseServerUsers({
      users: [
        { username: 'a', password: 'pw', commands: { permit: ['show .*'] } },
        { username: 'b', password: 'pw', 'priv-lvl': 15 },
      ],
    });
    expect([...database.users.keys()]).toEqual(['a', 'b']);
    expect(database.users.get('a')).toEqual({ username: 'a', password: 'pw', privLvl: 1 });
    expect([...commands.keys()]).toEqual(['a']);
  });

  test('other unknown properties are still refused, and bad rules name their user', () => {
    expect(() => parseServerUsers({ users: [{ username: 'a', password: 'pw', shell: true }] })).toThrow(
      'users file: users[0]: unknown property "shell"',
    );
    expect(() =>
      parseServerUsers({
        users: [
          { username: 'a', password: 'pw' },
          { username: 'b', password: 'pw', commands: 1 },
        ],
      }),
    ).toThrow('users file: users[1]: "commands" must be an object');
  });

  test('a users file with commands (read on listen) decides commands over the wire', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tacacs-rules-'));
    const file = join(dir, 'users.json');
    await writeFile(
      file,
      JSON.stringify({
        users: [
          {
            username: 'op',
            password: 'op-pw',
            'priv-lvl': 3,
            commands: { deny: ['reload'], permit: ['.*'] },
          },
        ],
      }),
    );
    const server = new TacacsServer({ key: KEY, users: file });
    await server.listen();
    const client = new TacacsClient({ servers: [{ host: '127.0.0.1', port: server.port, key: KEY }] });
    try {
      expect(await client.authorizeCommand({ username: 'op', command: 'configure terminal' })).toMatchObject({
        status: 'pass',
        privLvl: 3,
      });
      expect((await client.authorizeCommand({ username: 'op', command: 'reload' })).status).toBe('fail');
    } finally {
      await client.close();
      await server.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

test('the demo users file: admin may run everything, alice show and ping but not the running config, operator show version', async () => {
  const server = new TacacsServer({ key: KEY, users: DEMO_USERS });
  await server.listen();
  const client = new TacacsClient({ servers: [{ host: '127.0.0.1', port: server.port, key: KEY }] });
  const decide = async (username: string, command: string): Promise<string> =>
    (await client.authorizeCommand({ username, command })).status;
  try {
    expect(await decide('admin', 'reload')).toBe('pass');
    expect(await decide('alice', 'show version')).toBe('pass');
    expect(await decide('alice', 'ping 192.0.2.1')).toBe('pass');
    expect(await decide('alice', 'show running-config')).toBe('fail');
    expect(await decide('alice', 'reload')).toBe('fail');
    expect(await decide('operator', 'show version')).toBe('pass');
    expect(await decide('operator', 'show running-config')).toBe('fail');
  } finally {
    await client.close();
    await server.close();
  }
});
