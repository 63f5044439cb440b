import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { parseEnv, sessionStoreEnv } from '@sessiond/env-config';
import { problemsWithoutPrivileges } from './support/unprivileged';

const schema = z.object({
  ...sessionStoreEnv,
  TACACS_SECRET: z.string().min(8, 'must be at least 8 characters').optional(),
});
const SECRETS = new Set(['TACACS_SECRET', 'REDIS_URL']);

let dir: string;
let count = 0;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'env-config-secrets-'));
  // Others may enter the folder: the permission case is about the file only.
  chmodSync(dir, 0o755);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A new file holding `content`; returns its path. */
function file(content: string | Buffer): string {
  const path = join(dir, `secret-${++count}`);
  writeFileSync(path, content);
  return path;
}

function parse(env: Record<string, string>) {
  return parseEnv(schema, env, SECRETS);
}

describe('<SECRET>_FILE', () => {
  it.each([
    ['the-shared-secret', 'the-shared-secret'],
    ['the-shared-secret\n', 'the-shared-secret'],
    ['the-shared-secret\r\n', 'the-shared-secret'],
    ['the-shared-secret\n\n', 'the-shared-secret\n'],
    ['  spaced secret  \n', '  spaced secret  '],
    ['\ufeffwith-a-bom\n', 'with-a-bom'],
  ])('reads %j as %j (one trailing newline is not part of the secret)', (content, value) => {
    const { data, present, problems } = parse({ TACACS_SECRET_FILE: file(content) });
    expect(problems).toEqual([]);
    expect(data?.TACACS_SECRET).toBe(value);
    expect(present['TACACS_SECRET']).toBe(value);
  });

  it('reads any secret of the set, which then passes the schema like a set variable', () => {
    const { data, problems } = parse({
      REDIS_URL_FILE: ` ${file('rediss://user:pw@redis.example:6380\n')} `,
    });
    expect(problems).toEqual([]);
    expect(data?.REDIS_URL).toBe('rediss://user:pw@redis.example:6380');
  });

  it('follows a symbolic link, as Kubernetes mounts its secrets', () => {
    const link = join(dir, 'linked-secret');
    symlinkSync(file('linked-secret-value'), link);
    expect(parse({ TACACS_SECRET_FILE: link }).data?.TACACS_SECRET).toBe('linked-secret-value');
  });

  it('says which file a bad value came from, without repeating it', () => {
    const { problems } = parse({
      TACACS_SECRET_FILE: file('short\n'),
      REDIS_URL_FILE: file('http://u:hunter2@x'),
    });
    expect(problems).toEqual([
      'REDIS_URL: must be a redis:// or rediss:// URL (read from REDIS_URL_FILE)',
      'TACACS_SECRET: must be at least 8 characters (read from TACACS_SECRET_FILE)',
    ]);
    expect(problems.join('\n')).not.toMatch(/hunter2|short/);
  });

  it('refuses a secret set both ways', () => {
    const { problems, unresolved } = parse({
      TACACS_SECRET: 'the-shared-secret',
      TACACS_SECRET_FILE: file('the-other-secret'),
    });
    expect(problems).toEqual(['TACACS_SECRET, TACACS_SECRET_FILE: set one, not both']);
    expect(unresolved).toEqual(new Set(['TACACS_SECRET']));
  });

  it('treats an empty variable as unset, either way', () => {
    expect(parse({ TACACS_SECRET: '', TACACS_SECRET_FILE: file('the-shared-secret') }).problems).toEqual([]);
    expect(parse({ TACACS_SECRET: 'the-shared-secret', TACACS_SECRET_FILE: ' ' }).problems).toEqual([]);
  });

  it('names the variable, the path and the reason of a file it cannot use, never the content', () => {
    const missing = join(dir, 'missing');
    const folder = join(dir, 'folder');
    mkdirSync(folder);
    const empty = file('');
    const newline = file('\r\n');
    const big = file('x'.repeat(64 * 1024 + 1));
    const latin1 = file(Buffer.from([0x63, 0x61, 0x66, 0xe9]));
    expect(parse({ TACACS_SECRET_FILE: missing }).problems).toEqual([
      `TACACS_SECRET_FILE: cannot read '${missing}' (ENOENT: no such file or directory)`,
    ]);
    expect(parse({ TACACS_SECRET_FILE: folder }).problems).toEqual([
      `TACACS_SECRET_FILE: '${folder}' is a directory, not a file`,
    ]);
    expect(parse({ TACACS_SECRET_FILE: '/dev/null' }).problems).toEqual([
      "TACACS_SECRET_FILE: '/dev/null' is not a regular file",
    ]);
    expect(parse({ TACACS_SECRET_FILE: empty }).problems).toEqual([
      `TACACS_SECRET_FILE: '${empty}' is empty`,
    ]);
    expect(parse({ TACACS_SECRET_FILE: newline }).problems).toEqual([
      `TACACS_SECRET_FILE: '${newline}' is empty`,
    ]);
    expect(parse({ TACACS_SECRET_FILE: big }).problems).toEqual([
      `TACACS_SECRET_FILE: '${big}' is larger than 64 KiB`,
    ]);
    expect(parse({ REDIS_URL_FILE: latin1 }).problems).toEqual([
      `REDIS_URL_FILE: '${latin1}' is not UTF-8 text`,
    ]);
  });

  it('names a file it may not read', () => {
    const locked = file('locked-secret');
    chmodSync(locked, 0o000);
    const env = { TACACS_SECRET_FILE: locked };
    expect(problemsWithoutPrivileges('TACACS_SECRET', 'secret', env, () => parse(env).problems)).toEqual([
      `TACACS_SECRET_FILE: cannot read '${locked}' (EACCES: permission denied)`,
    ]);
  });

  it('marks a secret whose file failed, so that rules requiring it stay quiet', () => {
    const { present, unresolved } = parse({ TACACS_SECRET_FILE: join(dir, 'missing') });
    expect(present['TACACS_SECRET']).toBeUndefined();
    expect(unresolved).toEqual(new Set(['TACACS_SECRET']));
  });

  it('reads no _FILE of a variable that is not a secret', () => {
    const { data, problems } = parse({ REDIS_KEY_PREFIX_FILE: file('other') });
    expect(problems).toEqual([]);
    expect(data?.REDIS_KEY_PREFIX).toBe('sessiond');
  });
});
