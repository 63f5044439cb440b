import { z } from 'zod';
import { deepFreeze, envBool, envHostPorts, envInt, parseEnv } from '@sessiond/env-config';

const schema = z.object({
  PORT: envInt(0, 65_535).default(8080),
  ON: envBool.default(false),
  NODES: envHostPorts.optional(),
  SECRET: z.string().min(20).optional(),
});

describe('parseEnv', () => {
  it('applies defaults and treats empty values as unset', () => {
    const { data, problems, present } = parseEnv(schema, { PORT: '', ON: 'YES', OTHER: 'x' }, new Set());
    expect(problems).toEqual([]);
    expect(data).toEqual({ PORT: 8080, ON: true });
    expect(present).toEqual({ ON: 'YES' });
  });

  it('names every bad variable, never echoing a secret', () => {
    const { data, problems } = parseEnv(
      schema,
      { PORT: '70000', ON: 'maybe', NODES: 'h', SECRET: 'short-secret' },
      new Set(['SECRET']),
    );
    expect(data).toBeUndefined();
    expect(problems).toEqual([
      "PORT: must be at most 65535 (got '70000')",
      "ON: must be true or false (got 'maybe')",
      "NODES: 'h' has no port: write host:port",
      expect.stringMatching(/^SECRET: /) as string,
    ]);
    expect(problems.join('\n')).not.toContain('short-secret');
  });

  it('parses host:port lists with IPv6 hosts', () => {
    expect(parseEnv(schema, { NODES: 'a:1, [::1]:6379' }, new Set()).data?.NODES).toEqual([
      { host: 'a', port: 1 },
      { host: '::1', port: 6379 },
    ]);
  });
});

describe('deepFreeze', () => {
  it('freezes nested objects', () => {
    const frozen = deepFreeze({ a: { b: [1] } });
    expect(Object.isFrozen(frozen.a.b)).toBe(true);
  });
});
