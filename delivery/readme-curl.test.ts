import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, waitFor } from '@sessiond/test-utils';
import { HAS_MANAGEMENT_LISTENER, ROOT, baseEnv, runToEnd, startChild } from './support/processes';

// The README's curl walkthrough, pasted as a reader would: the first ```sh block under "Using the
// API with curl", run with `bash -euo pipefail` against `npm start` (scripts/start.mjs). Only the
// addresses change, so the stack can run on free ports: 127.0.0.1:8080 (PORT) and 127.0.0.1:9464
// (MANAGEMENT_PORT). A preamble wraps curl to fail on any status >= 400 and to report every status,
// so the block itself stays as readers see it.

const START = join(ROOT, 'scripts', 'start.mjs');
const PUBLIC = '127.0.0.1:8080';
const MANAGEMENT = '127.0.0.1:9464';
const STATUS = 'delivery-curl-status';

const PREAMBLE = `curl() { command curl -S --fail-with-body --write-out '%{stderr}${STATUS} %{http_code} %{method} %{url_effective}\\n' "$@"; }\n`;

/** The first ```sh block under a `## heading` of the README, as written. */
function shBlockUnder(heading: string): string {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const at = readme.indexOf(`\n## ${heading}\n`);
  if (at === -1) throw new Error(`README.md has no "## ${heading}" section`);
  const next = readme.indexOf('\n## ', at + 1);
  const section = readme.slice(at, next === -1 ? undefined : next);
  const block = /```sh\n([\s\S]*?)```/.exec(section)?.[1];
  if (block === undefined) throw new Error(`no \`\`\`sh block under "## ${heading}"`);
  return block;
}

/** curl commands the block runs (comments dropped). */
function curlCount(block: string): number {
  return (
    block
      .split('\n')
      .map((line) => line.replace(/(^|\s)#.*$/, ''))
      .join('\n')
      .split(/\bcurl\s/).length - 1
  );
}

describe('README "Using the API with curl", pasted into bash against npm start', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('every curl of the block gets a 2xx, from login to logging out everywhere; Ctrl-C stops the stack cleanly', async () => {
    for (const app of ['auth-api', 'sweeper']) {
      const main = join(ROOT, 'apps', app, 'dist', 'main.js');
      if (!existsSync(main)) throw new Error(`${main} is missing: run \`npx tsc -b\` first`);
    }
    const block = shBlockUnder('Using the API with curl');
    expect(block).toContain(`http://${PUBLIC}/`);
    expect(block).toContain(`http://${MANAGEMENT}/`);

    const dataDir = mkdtempSync(join(tmpdir(), 'sessiond-readme-'));
    dirs.push(dataDir);
    const port = await freePort();
    // Until the auth-api has a management listener, /metrics and the detailed /readyz answer on
    // the public port: the block's management lines are then sent there.
    const managementPort = HAS_MANAGEMENT_LISTENER ? await freePort() : port;
    const stack = startChild(process.execPath, [START], {
      cwd: ROOT,
      env: {
        ...baseEnv(),
        SESSIOND_DATA_DIR: dataDir,
        PORT: String(port),
        SWEEPER_PORT: String(await freePort()),
        SESSIOND_TACACS_PORT: String(await freePort()),
        ...(HAS_MANAGEMENT_LISTENER ? { MANAGEMENT_PORT: String(managementPort) } : {}),
      },
    });

    try {
      await waitFor(() => stack.output().includes('sessiond is up') || stack.child.exitCode !== null, {
        timeoutMs: 60_000,
        message: `npm start (output: ${stack.output().slice(-2000)})`,
      });
      if (stack.child.exitCode !== null) {
        throw new Error(`npm start exited (${stack.child.exitCode}):\n${stack.output()}`);
      }

      const script =
        PREAMBLE +
        block
          .replaceAll(`http://${PUBLIC}/`, `http://127.0.0.1:${port}/`)
          .replaceAll(`http://${MANAGEMENT}/`, `http://127.0.0.1:${managementPort}/`);
      const run = await runToEnd('bash', ['-euo', 'pipefail', '-c', script], baseEnv(), { cwd: dataDir });
      const statuses = run.stderr
        .split('\n')
        .filter((line) => line.startsWith(`${STATUS} `))
        .map((line) => line.slice(STATUS.length + 1));
      const report = `exit ${run.code}\n--- stdout\n${run.stdout}\n--- stderr\n${run.stderr}`;

      expect({ exit: run.code, report }).toEqual({ exit: 0, report });
      expect(statuses).toHaveLength(curlCount(block));
      for (const status of statuses) expect(status).toMatch(/^2\d\d /);
      // What the walkthrough promises along the way.
      expect(run.stdout).toContain('"kind":"object#auth-token"');
      expect(run.stdout).toContain('"active":true');
      expect(run.stdout).toContain('"status":"ready"');
      expect(run.stdout).toContain('sessiond_');
      expect(statuses.filter((s) => s.startsWith('204 DELETE '))).toHaveLength(1);
      expect(run.stdout).toMatch(/\{"revoked":1\}$/);
    } finally {
      stack.child.kill('SIGINT');
    }
    expect(await stack.exited).toBe(0);
    expect(stack.output()).toContain('sessiond: stopped');
  });
});
