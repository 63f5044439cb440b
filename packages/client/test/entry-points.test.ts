import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

// What a fresh Node process loads when a service requires this package as users do, by name through
// the package's `exports` map, from the built dist/ (`npm test` builds first). The main entry point
// must not load ioredis or @sessiond/session-store: introspection users do not install them.
const PACKAGE_DIR = join(__dirname, '..');
const DIST = join(PACKAGE_DIR, 'dist');

interface Loaded {
  /** Every specifier passed to require(), by any module. */
  readonly requested: string[];
  /** Every file in require.cache afterwards (real paths). */
  readonly files: string[];
  /** The entry point's exports and their types. */
  readonly exports: Record<string, string>;
}

const PROBE = `
const Module = require('node:module');
const requested = [];
const load = Module._load;
Module._load = function (request, ...rest) {
  requested.push(request);
  return load.call(this, request, ...rest);
};
const loaded = require(process.argv[1]);
const exports = Object.fromEntries(Object.entries(loaded).map(([name, value]) => [name, typeof value]));
process.stdout.write(JSON.stringify({ requested, files: Object.keys(require.cache), exports }));
`;

function load(specifier: string): Loaded {
  if (!existsSync(join(DIST, 'index.js')) || !existsSync(join(DIST, 'direct', 'index.js'))) {
    throw new Error(`${DIST} is missing: run \`npm run build\` first (npm test does it)`);
  }
  const out = execFileSync(process.execPath, ['-e', PROBE, specifier], {
    cwd: PACKAGE_DIR,
    env: { PATH: process.env['PATH'] ?? '' },
    encoding: 'utf8',
  });
  return JSON.parse(out) as Loaded;
}

const storeRequests = (loaded: Loaded): string[] =>
  loaded.requested.filter(
    (r) => r === 'ioredis' || r.startsWith('ioredis/') || r === '@sessiond/session-store',
  );
const storeFiles = (loaded: Loaded): string[] =>
  loaded.files.filter((f) => /[\\/]ioredis[\\/]|[\\/]session-store[\\/]/.test(f));

describe('entry points, loaded by name in a fresh node process', () => {
  it('@sessiond/client (introspection mode) never loads ioredis or @sessiond/session-store', () => {
    const loaded = load('@sessiond/client');
    expect(loaded.exports).toMatchObject({
      SessionClient: 'function',
      requireSession: 'function',
      SessiondProblemError: 'function',
      sessionOf: 'function',
      readToken: 'function',
    });
    expect(loaded.files).toContain(join(DIST, 'index.js'));
    expect(storeRequests(loaded)).toEqual([]);
    expect(storeFiles(loaded)).toEqual([]);
  });

  it('@sessiond/client/direct loads them (the probe would see it)', () => {
    const loaded = load('@sessiond/client/direct');
    expect(loaded.exports).toEqual({
      requireSession: 'function',
      createDirectValidator: 'function',
      SESSION_CACHE_DEFAULTS: 'object',
    });
    expect(storeRequests(loaded)).toEqual(expect.arrayContaining(['@sessiond/session-store', 'ioredis']));
    expect(storeFiles(loaded).length).toBeGreaterThan(0);
  });
});
