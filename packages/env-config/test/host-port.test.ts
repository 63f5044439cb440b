import { z } from 'zod';
import {
  envHostPorts,
  formatHostPort,
  hostProblem,
  parseEnv,
  parseHostPort,
  parseHostPortEntry,
} from '@sessiond/env-config';

const schema = z.object({ NODES: envHostPorts.optional() });

function problemsOf(value: string): string[] {
  return parseEnv(schema, { NODES: value }, new Set()).problems;
}

describe('parseHostPortEntry', () => {
  it.each([
    ['redis-1:6379', 'redis-1', 6379],
    ['Redis-1.Example.COM:1', 'Redis-1.Example.COM', 1],
    ['a:65535', 'a', 65_535],
    ['10.0.0.1:49', '10.0.0.1', 49],
    ['0.0.0.0:49', '0.0.0.0', 49],
    ['255.255.255.255:49', '255.255.255.255', 49],
    ['[2001:db8::1]:49', '2001:db8::1', 49],
    ['[::ffff:192.0.2.1]:49', '::ffff:192.0.2.1', 49],
    ['[fe80::1%eth0]:4949', 'fe80::1%eth0', 4949],
    [`${'a'.repeat(63)}.example:7000`, `${'a'.repeat(63)}.example`, 7000],
    ['1host.example:1', '1host.example', 1],
  ])('reads %s', (entry, host, port) => {
    expect(parseHostPortEntry(entry)).toEqual({ ok: true, value: { host, port } });
  });

  it.each([
    ['10.0.0.1:99999', "port 99999 of '10.0.0.1:99999' is not 1-65535"],
    ['10.0.0.1:0', "port 0 of '10.0.0.1:0' is not 1-65535"],
    ['h:-1', "port '-1' of 'h:-1' is not 1-65535"],
    ['h:4x', "port '4x' of 'h:4x' is not 1-65535"],
    ['h:', "'h:' has no port after ':'"],
    ['h', "'h' has no port: write host:port"],
    [':49', "':49' has no host"],
    ['10.0.0.256:49', "'10.0.0.256' is not an IPv4 address: 256 is more than 255"],
    ['10.0.0:49', "'10.0.0' is not an IPv4 address: write four numbers 0-255 separated by dots"],
    ['10.0.0.1.2:49', "'10.0.0.1.2' is not an IPv4 address: write four numbers 0-255 separated by dots"],
    ['10..0.1:49', "'10..0.1' is not an IPv4 address: write four numbers 0-255 separated by dots"],
    ['010.0.0.1:49', "'010.0.0.1' is not an IPv4 address: 010 has a leading zero"],
    ['tac_1:49', "'tac_1' has '_': host names use letters, digits, '-' and '.'"],
    ['-tac:49', "'-tac' starts or ends with '-'"],
    ['tac-.example:49', "label 'tac-' of 'tac-.example' starts or ends with '-'"],
    ['tac..example:49', "'tac..example' has an empty label (two dots in a row, or one at an end)"],
    ['tac.example.:49', "'tac.example.' has an empty label (two dots in a row, or one at an end)"],
    [
      `${'a'.repeat(64)}.example:49`,
      `label '${'a'.repeat(64)}' of '${'a'.repeat(64)}.example' is longer than 63 characters`,
    ],
    ['2001:db8::1:49', 'IPv6 addresses need brackets: [2001:db8::1]:49'],
    ['2001:db8::1', 'IPv6 addresses need brackets: [2001:db8::1]:port'],
    ['h:1:2', "'h:1:2' has more than one ':' (IPv6 addresses need brackets: [2001:db8::1]:49)"],
    ['[2001:db8::1]', "'[2001:db8::1]' has no port: write host:port"],
    ['[2001:db8::1', "'[2001:db8::1' has no ']' to close its IPv6 address"],
    ['[2001:db8::1]49', "'[2001:db8::1]49' has '49' after ']': write [address]:port"],
    ['[10.0.0.1]:49', "'[10.0.0.1]': brackets are for IPv6 addresses only"],
    ['[db8::g]:49', "'[db8::g]' is not an IPv6 address"],
  ])('refuses %s: %s', (entry, problem) => {
    expect(parseHostPortEntry(entry)).toEqual({ ok: false, problem });
  });

  it('checks the 253-character limit of a whole name', () => {
    const name = Array.from({ length: 4 }, () => 'a'.repeat(63)).join('.'); // 255 characters
    expect(parseHostPortEntry(`${name}:1`)).toEqual({
      ok: false,
      problem: `'${name}' is longer than 253 characters`,
    });
    expect(hostProblem(name.slice(2))).toBeUndefined();
  });

  it('uses the default port for an entry without one', () => {
    expect(parseHostPortEntry('tac', { defaultPort: 49 })).toEqual({
      ok: true,
      value: { host: 'tac', port: 49 },
    });
    expect(parseHostPortEntry('[::1]', { defaultPort: 49 })).toEqual({
      ok: true,
      value: { host: '::1', port: 49 },
    });
    expect(parseHostPortEntry('2001:db8::1', { defaultPort: 49 })).toEqual({
      ok: false,
      problem: 'IPv6 addresses need brackets: [2001:db8::1]:49',
    });
  });

  it('keeps parseHostPort: the entry, or undefined', () => {
    expect(parseHostPort('[::1]:6379')).toEqual({ host: '::1', port: 6379 });
    expect(parseHostPort('10.0.0.1:99999;10.0.0.2:49')).toBeUndefined();
  });

  it('writes IPv6 hosts back in brackets', () => {
    expect(formatHostPort({ host: '2001:db8::1', port: 49 })).toBe('[2001:db8::1]:49');
    expect(formatHostPort({ host: 'tac', port: 49 })).toBe('tac:49');
  });
});

describe('envHostPorts', () => {
  it('reads a comma-separated list, spaces allowed around each comma', () => {
    expect(parseEnv(schema, { NODES: ' a:1 ,  [::1]:6379,10.0.0.1:7000 ' }, new Set()).data?.NODES).toEqual([
      { host: 'a', port: 1 },
      { host: '::1', port: 6379 },
      { host: '10.0.0.1', port: 7000 },
    ]);
  });

  it('no longer reads a semicolon list as one odd host', () => {
    expect(problemsOf('10.0.0.1:99999;10.0.0.2:49')).toEqual([
      "NODES: ';' is not a separator: list them as host:port,host:port (got '10.0.0.1:99999;10.0.0.2:49')",
    ]);
  });

  it('says when a list is space-separated', () => {
    expect(problemsOf('10.0.0.1:7000 10.0.0.2:7000')).toEqual([
      'NODES: looks like a space-separated list: list them as host:port,host:port (got ' +
        "'10.0.0.1:7000 10.0.0.2:7000')",
    ]);
  });

  it.each(['a:1,,b:2', 'a:1,', ',a:1'])('refuses the empty entry of %s', (value) => {
    expect(problemsOf(value)).toEqual([
      `NODES: has an empty entry (a comma at an end, or two in a row): list them as host:port,host:port (got '${value}')`,
    ]);
  });

  it('names each bad entry, and the whole value when there are several', () => {
    expect(problemsOf('a:1,10.0.0.1:99999,b')).toEqual([
      "NODES: port 99999 of '10.0.0.1:99999' is not 1-65535 (got 'a:1,10.0.0.1:99999,b')",
      "NODES: 'b' has no port: write host:port (got 'a:1,10.0.0.1:99999,b')",
    ]);
    // One entry: the message quotes it already.
    expect(problemsOf('10.0.0.1:99999')).toEqual(["NODES: port 99999 of '10.0.0.1:99999' is not 1-65535"]);
  });

  it('refuses an entry listed twice (names compare case-insensitively)', () => {
    expect(problemsOf('Redis-1:7000,redis-1:7000')).toEqual([
      "NODES: 'redis-1:7000' is listed twice (got 'Redis-1:7000,redis-1:7000')",
    ]);
    expect(problemsOf('redis-1:7000,redis-1:7001')).toEqual([]);
  });
});
