import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..', '..', '..');
const DIST = join(__dirname, '..', '..', 'dist', 'index.js');
/** The conventional unprivileged account (nobody / nogroup). */
const NOBODY = 65_534;

/**
 * The problems parseEnv reports for `env`, computed by a process without root's privileges:
 * permission errors cannot happen to root, so as root the check runs in a child as `nobody` (with
 * the built package: `npm test` builds first), otherwise in this process. `schema` names the zod
 * parser of the one variable under test.
 */
export function problemsWithoutPrivileges(
  variable: string,
  parser: 'envReadableFile' | 'secret',
  env: Record<string, string>,
  local: () => string[],
): string[] {
  if (process.getuid?.() !== 0) return local();
  if (!existsSync(DIST)) throw new Error(`${DIST} is missing: run npm run build`);
  const script = `
    const lib = require(${JSON.stringify(DIST)});
    const { z } = require('zod');
    const parser = ${parser === 'secret' ? 'z.string().optional()' : 'lib.envReadableFile.optional()'};
    const secrets = new Set(${parser === 'secret' ? JSON.stringify([variable]) : '[]'});
    const { problems } = lib.parseEnv(z.object({ [${JSON.stringify(variable)}]: parser }), JSON.parse(process.argv[1]), secrets);
    process.stdout.write(JSON.stringify(problems));
  `;
  const out = execFileSync(process.execPath, ['-e', script, JSON.stringify(env)], {
    cwd: ROOT,
    uid: NOBODY,
    gid: NOBODY,
    encoding: 'utf8',
  });
  return JSON.parse(out) as string[];
}
