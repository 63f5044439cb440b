import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

const INSTALL_HINT =
  'Install Redis (Debian/Ubuntu: `sudo apt-get install redis-server`, macOS: `brew install redis`) ' +
  'or point the single-node tests at a running server with REDIS_URL=redis://host:port.';

/** Thrown when a binary the tests need is missing: the tests fail loudly, they never skip. */
export class MissingBinaryError extends Error {
  constructor(readonly binary: string) {
    super(`\`${binary}\` was not found on PATH. ${INSTALL_HINT}`);
    this.name = 'MissingBinaryError';
  }
}

/** Absolute path of `name` on PATH (plus the usual sbin folders), or a MissingBinaryError. */
export function findBinary(name: string, searchPath: string | undefined = defaultPath()): string {
  const dirs = (searchPath ?? '').split(delimiter).filter((dir) => dir !== '');
  for (const dir of [...dirs, '/usr/sbin', '/usr/local/sbin', '/usr/bin', '/usr/local/bin']) {
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this folder
    }
  }
  throw new MissingBinaryError(name);
}

function defaultPath(): string | undefined {
  // eslint-disable-next-line no-restricted-properties -- PATH lookup, not configuration
  return process.env['PATH'];
}
