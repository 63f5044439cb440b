import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TOKEN_SERVICES_PATH } from '@sessiond/protocol';
import { TacacsServer } from '@sessiond/tacacs-server';
import { RedisServer, freePort, uniqueKeyPrefix, waitFor } from '@sessiond/test-utils';

// What users install must run: every public package is packed from a clean checkout (its `prepack`
// builds dist/), the tarballs are installed in a project of their own outside the repository, and the
// client README's introspection snippet, taken from the README itself, is compiled with strict tsc
// and run as a small Express service against a real auth-api, Redis and TACACS+ server.
//
// SESSIOND_DELIVERY_SOURCE=worktree packs a copy of the working tree (tracked and untracked files,
// .gitignore applied) instead of a `git clone` of HEAD, to try uncommitted work; CI uses the clone.
// SESSIOND_DELIVERY_KEEP=1 keeps the temporary folders (their paths are printed).

const REPO = join(__dirname, '..');
const SOURCE = process.env['SESSIOND_DELIVERY_SOURCE'] ?? 'clone';
const KEEP = process.env['SESSIOND_DELIVERY_KEEP'] === '1';
const AUTH_API_MAIN = join(REPO, 'apps', 'auth-api', 'dist', 'main.js');
const CLIENT_README = join(REPO, 'packages', 'client', 'README.md');

/** The public packages; the client is packed from its own folder, the others with `-w` from the root. */
const PACKAGES = [
  { name: '@sessiond/client', dir: 'packages/client', from: 'package' },
  { name: '@sessiond/tacacs-plus', dir: 'packages/tacacs-plus', from: 'root' },
  { name: '@sessiond/tacacs-server', dir: 'packages/tacacs-server', from: 'root' },
  { name: '@sessiond/protocol', dir: 'packages/protocol', from: 'root' },
  { name: '@sessiond/session-store', dir: 'packages/session-store', from: 'root' },
  { name: '@sessiond/passwords', dir: 'packages/passwords', from: 'root' },
] as const;
type PackageName = (typeof PACKAGES)[number]['name'];

interface Manifest {
  readonly version: string;
  readonly main?: string;
  readonly types?: string;
  readonly exports?: Record<string, unknown>;
  readonly engines?: Record<string, string>;
  readonly dependencies?: Record<string, string>;
  readonly peerDependencies?: Record<string, string>;
}

interface Tarball {
  readonly file: string;
  readonly bytes: number;
  readonly entries: readonly string[];
  readonly manifest: Manifest;
}

const TACACS_KEY = 'delivery-shared-secret-0123456789';
const USER = { username: 'alice', password: 'alice-delivery-pw' };
const CLIENT_SECRET = 'delivery-client-secret-0123456789';

const work = mkdtempSync(join(tmpdir(), 'sessiond-delivery-'));
const checkout = join(work, 'checkout');
const packed = join(work, 'tarballs');
/** The user's project, outside the repository. */
const app = join(work, 'app');
const tarballs = new Map<PackageName, Tarball>();
const children: ChildProcess[] = [];
let redis: RedisServer | undefined;
let tacacs: TacacsServer | undefined;

afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  await tacacs?.close();
  await redis?.destroy();
  if (KEEP) console.log(`delivery: kept ${work}`);
  else rmSync(work, { recursive: true, force: true });
});

describe('the packages users install', () => {
  it('pack from a clean checkout: dist built by prepack, with types, README and LICENSE, no sources', async () => {
    if (SOURCE === 'worktree') await copyWorkingTree(checkout);
    else if (SOURCE === 'clone')
      await run('git', ['clone', '--quiet', '--no-hardlinks', REPO, checkout], work);
    else throw new Error(`SESSIOND_DELIVERY_SOURCE must be clone or worktree (got ${SOURCE})`);
    expect(existsSync(join(checkout, 'packages', 'client', 'dist'))).toBe(false);
    await run('npm', ['ci', '--no-audit', '--no-fund'], checkout);
    mkdirSync(packed);
    for (const { name, dir, from } of PACKAGES) {
      if (from === 'package') await run('npm', ['pack', '--pack-destination', packed], join(checkout, dir));
      else await run('npm', ['pack', '-w', dir, '--pack-destination', packed], checkout);
      tarballs.set(name, await readTarball(join(packed, `${name.slice(1).replace('/', '-')}-0.1.0.tgz`)));
    }

    const report = [...tarballs].map(([name, t]) => ({
      package: name,
      'size (bytes)': t.bytes,
      files: t.entries.length,
      dependencies:
        Object.entries(t.manifest.dependencies ?? {})
          .map(([d, v]) => `${d}@${v}`)
          .join(', ') || '(none)',
      'peer dependencies':
        Object.entries(t.manifest.peerDependencies ?? {})
          .map(([d, v]) => `${d}@${v}`)
          .join(', ') || '(none)',
    }));
    console.log(`delivery: tarballs packed from ${SOURCE}\n${JSON.stringify(report, null, 2)}`);

    const required = ['dist/index.js', 'dist/index.d.ts', 'README.md', 'LICENSE', 'package.json'];
    // Neither sources nor tests, nor what only points at them (source maps, tsc's build info).
    const unwanted = (e: string): boolean =>
      /^(src|test)\//.test(e) ||
      /\.(map|tsbuildinfo)$/.test(e) ||
      (e.endsWith('.ts') && !e.endsWith('.d.ts'));
    for (const [name, { entries, manifest }] of tarballs) {
      expect({
        name,
        missing: required.filter((f) => !entries.includes(f)),
        unwanted: entries.filter(unwanted),
      }).toEqual({ name, missing: [], unwanted: [] });
      expect(manifest.exports?.['./package.json']).toBe('./package.json');
      expect(manifest.exports?.['.']).toEqual({ types: './dist/index.d.ts', default: './dist/index.js' });
      expect([manifest.main, manifest.types]).toEqual(['dist/index.js', 'dist/index.d.ts']);
      expect(manifest.engines?.['node']).toBe('>=20');
      for (const [dependency, range] of Object.entries({
        ...manifest.dependencies,
        ...manifest.peerDependencies,
      })) {
        expect(`${dependency}@${range}`).not.toMatch(/@(file|link|workspace|git|https?):/);
        if (dependency.startsWith('@sessiond/')) expect(`${dependency}@${range}`).toBe(`${dependency}@0.1.0`);
      }
    }
    expect(tarballs.get('@sessiond/protocol')?.manifest.dependencies).toBeUndefined();
    expect(tarballs.get('@sessiond/tacacs-plus')?.manifest.dependencies).toBeUndefined();
    expect(tarballs.get('@sessiond/client')?.manifest.dependencies).toEqual({
      '@sessiond/protocol': '0.1.0',
    });
    expect(tarballs.get('@sessiond/client')?.entries).toEqual(
      expect.arrayContaining(['dist/direct/index.js', 'dist/direct/index.d.ts']),
    );
    expect(tarballs.get('@sessiond/session-store')?.entries).toContain('lua/validateSession-2.lua');
  });

  it('introspection mode installs without session-store or ioredis, and the README snippet serves requests', async () => {
    const versions = registryVersions();
    await run('npm', ['init', '-y'], mkdir(app));
    await run(
      'npm',
      [
        'install',
        '--no-audit',
        '--no-fund',
        tarball('@sessiond/client'),
        tarball('@sessiond/protocol'),
        `express@${versions.express}`,
        `typescript@${versions.typescript}`,
        `@types/express@${versions.typesExpress}`,
        `@types/node@${versions.typesNode}`,
      ],
      app,
    );
    expect(existsSync(join(app, 'node_modules', 'ioredis'))).toBe(false);
    expect(existsSync(join(app, 'node_modules', '@sessiond', 'session-store'))).toBe(false);
    // The optional peer is optional: only the /direct entry point asks for it.
    const direct = await run('node', ['-e', "require('@sessiond/client/direct')"], app, {
      allowFailure: true,
    });
    expect(direct.stderr).toContain("Cannot find module '@sessiond/session-store'");

    const snippet = readmeSnippet('## Validate tokens in three lines');
    expect(snippet).toContain("from '@sessiond/client'");
    const clientId = /clientId: '([^']+)'/.exec(snippet)?.[1] ?? '';
    writeFileSync(
      join(app, 'server.ts'),
      program(snippet, {
        imports: ["import express from 'express';"],
        before: [
          'const app = express();',
          "const baseUrl = process.env['SESSIOND_URL'] ?? '';",
          "const clientSecret = process.env['CLIENT_SECRET'] ?? '';",
        ],
        after: [
          "app.get('/api/whoami', (req, res) => {",
          '  res.json({ username: req.sessiond?.username });',
          '});',
          "const server = app.listen(0, '127.0.0.1', () => {",
          '  const address = server.address();',
          "  console.log(`listening ${typeof address === 'object' && address !== null ? address.port : ''}`);",
          '});',
        ],
      }),
    );
    await compile('server.ts', 'commonjs');
    await compile('server.ts', 'nodenext'); // the build that runs

    const sessiond = await startAuthApi(clientId);
    const service = spawn(process.execPath, [join(app, 'dist', 'server.js')], {
      cwd: app,
      env: { PATH: process.env['PATH'] ?? '', SESSIOND_URL: sessiond, CLIENT_SECRET },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(service);
    const port = await lineOf(service, /^listening (\d+)$/);
    const whoami = `http://127.0.0.1:${port}/api/whoami`;

    const login = await fetch(`${sessiond}${TOKEN_SERVICES_PATH}`, {
      method: 'POST',
      headers: {
        Authorization: `Basic ${Buffer.from(`${USER.username}:${USER.password}`).toString('base64')}`,
      },
    });
    expect(login.status).toBe(200);
    const token = ((await login.json()) as { 'token-id': string })['token-id'];

    const live = await fetch(whoami, { headers: { 'X-auth-token': token } });
    expect([live.status, await live.json()]).toEqual([200, { username: USER.username }]);
    const anonymous = await fetch(whoami);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toBe('Bearer realm="sessiond"');
    expect(await anonymous.json()).toMatchObject({ status: 401, code: 'token_missing' });
  });

  it('all the tarballs install together; direct mode and the TACACS+ packages compile and load', async () => {
    await run(
      'npm',
      [
        'install',
        '--no-audit',
        '--no-fund',
        tarball('@sessiond/session-store'),
        tarball('@sessiond/tacacs-plus'),
        tarball('@sessiond/tacacs-server'),
        tarball('@sessiond/passwords'),
      ],
      app,
    );
    await run('npm', ['ls', '--all'], app); // every dependency and peer resolved
    const snippet = readmeSnippet('### Direct mode: `@sessiond/client/direct`');
    expect(snippet).toContain("from '@sessiond/client/direct'");
    writeFileSync(
      join(app, 'direct.ts'),
      program(snippet, {
        imports: ["import type { Express } from 'express';"],
        before: ['export async function directExample(app: Express): Promise<void> {'],
        after: ['}'],
      }),
    );
    writeFileSync(
      join(app, 'others.ts'),
      [
        "import { hashPassword } from '@sessiond/passwords';",
        "import { TacacsClient } from '@sessiond/tacacs-plus';",
        "import { TacacsServer } from '@sessiond/tacacs-server';",
        "import { parseToken } from '@sessiond/protocol';",
        'export const others = [hashPassword, TacacsClient, TacacsServer, parseToken];',
        '',
      ].join('\n'),
    );
    await compile('direct.ts', 'nodenext');
    await compile('others.ts', 'nodenext');
    // Older TypeScript settings (module commonjs: node10 resolution, no `exports`): typesVersions.
    await compile('direct.ts', 'commonjs');
    const loaded = await run(
      'node',
      [
        '-e',
        "for (const m of ['@sessiond/client/direct', '@sessiond/session-store', '@sessiond/tacacs-plus', '@sessiond/tacacs-server', '@sessiond/passwords']) console.log(m, Object.keys(require(m)).length)",
      ],
      app,
    );
    // requireSession, createDirectValidator and SESSION_CACHE_DEFAULTS (issue 15's session cache).
    expect(loaded.stdout).toMatch(/@sessiond\/client\/direct 3\n/);
    const help = await run(join(app, 'node_modules', '.bin', 'sessiond-tacacs-server'), ['--help'], app);
    expect(help.stdout).toContain('--users');
  });
});

/** The first ```ts block under a heading of the client README. */
function readmeSnippet(heading: string): string {
  const readme = readFileSync(CLIENT_README, 'utf8');
  const at = readme.indexOf(`\n${heading}\n`);
  if (at < 0) throw new Error(`${CLIENT_README} has no heading "${heading}"`);
  const block = /```ts\n([\s\S]*?)```/.exec(readme.slice(at));
  if (block?.[1] === undefined) throw new Error(`no \`\`\`ts block under "${heading}"`);
  return block[1];
}

/** The snippet's import lines first, then its other lines between the glue's. */
function program(snippet: string, glue: { imports: string[]; before: string[]; after: string[] }): string {
  const lines = snippet.split('\n');
  const imports = lines.filter((l) => l.startsWith('import '));
  for (const line of imports) expect(line).toMatch(/^import .* from '[^']+';$/);
  const body = lines.filter((l) => !l.startsWith('import '));
  return [...glue.imports, ...imports, ...glue.before, ...body, ...glue.after, ''].join('\n');
}

/**
 * Strict tsc in the user's project, with no skipLibCheck: the packages' declarations are checked too.
 * `commonjs` is the older setting (node10 resolution, which ignores `exports`), with the
 * esModuleInterop that `tsc --init` writes (nodenext implies it).
 */
async function compile(file: string, module: 'nodenext' | 'commonjs'): Promise<void> {
  const options =
    module === 'nodenext'
      ? ['--module', 'nodenext', '--moduleResolution', 'nodenext']
      : ['--module', 'commonjs', '--esModuleInterop'];
  await run(
    'node',
    [
      join(app, 'node_modules', 'typescript', 'bin', 'tsc'),
      '--strict',
      ...options,
      '--target',
      'es2022',
      '--types',
      'node',
      '--outDir',
      'dist',
      file,
    ],
    app,
  );
}

/** Redis, the project's TACACS+ server with one user, an introspection client, and the built auth-api. */
async function startAuthApi(clientId: string): Promise<string> {
  if (!existsSync(AUTH_API_MAIN)) throw new Error(`${AUTH_API_MAIN} is missing: run \`npx tsc -b\` first`);
  redis = await RedisServer.start();
  tacacs = new TacacsServer({ key: TACACS_KEY, users: { users: [{ ...USER, 'priv-lvl': 15 }] } });
  await tacacs.listen();
  const clientsFile = join(work, 'clients.json');
  const digest = createHash('sha256').update(CLIENT_SECRET, 'utf8').digest('hex');
  writeFileSync(clientsFile, JSON.stringify({ clients: [{ id: clientId, secret: `sha256:${digest}` }] }));
  const port = await freePort();
  const api = spawn(process.execPath, [AUTH_API_MAIN], {
    env: {
      PATH: process.env['PATH'] ?? '',
      PORT: String(port),
      HOST: '127.0.0.1',
      MANAGEMENT_PORT: '0',
      USER_TAG_SECRET: 'test-user-tag-secret-0123456789',
      REDIS_URL: redis.url,
      REDIS_KEY_PREFIX: uniqueKeyPrefix('delivery'),
      AAA_METHODS: 'tacacs',
      TACACS_SERVERS: `127.0.0.1:${tacacs.port}`,
      TACACS_SECRET: TACACS_KEY,
      INTROSPECTION_CLIENTS_FILE: clientsFile,
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(api);
  const stderr: string[] = [];
  api.stdout?.resume();
  api.stderr?.setEncoding('utf8').on('data', (chunk: string) => stderr.push(chunk));
  const baseUrl = `http://127.0.0.1:${port}`;
  await waitFor(
    async () => {
      if (api.exitCode !== null) throw new Error(`the auth-api exited: ${stderr.join('')}`);
      const response = await fetch(`${baseUrl}/healthz`, { signal: AbortSignal.timeout(1000) });
      await response.body?.cancel();
      return response.ok;
    },
    { timeoutMs: 20_000, message: 'the auth-api to answer /healthz' },
  );
  return baseUrl;
}

/** Resolves with the first capture of the first stdout line that matches. */
function lineOf(child: ChildProcess, pattern: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    let buffered = '';
    let stderr = '';
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      buffered += chunk;
      for (const line of buffered.split('\n')) {
        const match = pattern.exec(line);
        if (match !== null) resolve(match[1] ?? '');
      }
    });
    child.once('exit', (code) => reject(new Error(`exited (${code}) before printing ${pattern}: ${stderr}`)));
  });
}

/** What users get from the registry next to our tarballs: the versions this repository uses. */
function registryVersions(): {
  express: string;
  typescript: string;
  typesExpress: string;
  typesNode: string;
} {
  const read = (
    file: string,
  ): { dependencies?: Record<string, string>; devDependencies?: Record<string, string> } =>
    JSON.parse(readFileSync(join(checkout, file), 'utf8')) as never;
  const root = read('package.json').devDependencies ?? {};
  const api = read('apps/auth-api/package.json').dependencies ?? {};
  const pick = (deps: Record<string, string>, name: string): string => {
    const range = deps[name];
    if (range === undefined) throw new Error(`${name} is not a dependency of the repository`);
    return range;
  };
  return {
    express: pick(api, 'express'),
    typescript: pick(root, 'typescript'),
    typesExpress: pick(root, '@types/express'),
    typesNode: pick(root, '@types/node'),
  };
}

function tarball(name: PackageName): string {
  const found = tarballs.get(name);
  if (found === undefined) throw new Error(`${name} was not packed: see the first test`);
  return found.file;
}

async function readTarball(file: string): Promise<Tarball> {
  const listing = await run('tar', ['-tzf', file], packed);
  const manifest = await run('tar', ['-xzOf', file, 'package/package.json'], packed);
  return {
    file,
    bytes: statSync(file).size,
    entries: listing.stdout
      .split('\n')
      .filter((e) => e !== '' && !e.endsWith('/'))
      .map((e) => e.replace(/^package\//, '')),
    manifest: JSON.parse(manifest.stdout) as Manifest,
  };
}

/** Tracked and untracked files of the working tree, .gitignore applied (no node_modules, no dist). */
async function copyWorkingTree(to: string): Promise<void> {
  const listed = await run('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], REPO);
  const files = listed.stdout.split('\0').filter((f) => f !== '' && existsSync(join(REPO, f)));
  const list = join(work, 'files.txt');
  writeFileSync(list, files.join('\0'));
  mkdirSync(to);
  const archive = join(work, 'tree.tar');
  await run('tar', ['-cf', archive, '--null', '-T', list], REPO);
  await run('tar', ['-xf', archive], to);
}

function mkdir(dir: string): string {
  mkdirSync(dir, { recursive: true });
  return dir;
}

/**
 * Runs a command to its end and resolves with its output; rejects with the output on a non-zero exit
 * unless allowFailure. npm runs with the environment of a user's shell: none of the npm_* variables
 * of the npm that may have started this test.
 */
function run(
  command: string,
  args: readonly string[],
  cwd: string,
  { allowFailure = false } = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name)));
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.once('error', reject);
    child.once('close', (code) => {
      if (code === 0 || allowFailure) resolve({ code, stdout, stderr });
      else reject(new Error(`${command} ${args.join(' ')} (in ${cwd}) exited ${code}\n${stdout}\n${stderr}`));
    });
  });
}
