import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { envReadableFile, parseEnv } from '@sessiond/env-config';
import { problemsWithoutPrivileges } from './support/unprivileged';

const schema = z.object({ LOCAL_USERS_FILE: envReadableFile.optional() });

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'env-config-files-'));
  // Others may enter the folder: the permission case below is about the file only.
  chmodSync(dir, 0o755);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function problemsOf(path: string): string[] {
  return parseEnv(schema, { LOCAL_USERS_FILE: path }, new Set()).problems;
}

describe('envReadableFile', () => {
  it('reads the path of a readable file, trimmed', () => {
    const path = join(dir, 'users.json');
    writeFileSync(path, '{"users":[]}');
    expect(parseEnv(schema, { LOCAL_USERS_FILE: ` ${path}\n` }, new Set()).data).toEqual({
      LOCAL_USERS_FILE: path,
    });
  });

  it('says why it cannot read the file, once, with the path', () => {
    const missing = join(dir, 'missing.json');
    expect(problemsOf(missing)).toEqual([
      `LOCAL_USERS_FILE: cannot read '${missing}' (ENOENT: no such file or directory)`,
    ]);
    expect(problemsOf(dir)).toEqual([`LOCAL_USERS_FILE: '${dir}' is a directory, not a file`]);
    expect(problemsOf('/dev/null')).toEqual(["LOCAL_USERS_FILE: '/dev/null' is not a regular file"]);
    const notDir = join(dir, 'users.json', 'x');
    writeFileSync(join(dir, 'users.json'), '{}');
    expect(problemsOf(notDir)).toEqual([
      `LOCAL_USERS_FILE: cannot read '${notDir}' (ENOTDIR: not a directory)`,
    ]);
  });

  it('refuses a file it may not read', () => {
    const locked = join(dir, 'locked.json');
    writeFileSync(locked, '{}');
    chmodSync(locked, 0o000);
    const env = { LOCAL_USERS_FILE: locked };
    expect(
      problemsWithoutPrivileges('LOCAL_USERS_FILE', 'envReadableFile', env, () => problemsOf(locked)),
    ).toEqual([`LOCAL_USERS_FILE: cannot read '${locked}' (EACCES: permission denied)`]);
  });
});
