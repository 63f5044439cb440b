import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, waitFor } from '@sessiond/test-utils';

const START = join(__dirname, '..', 'scripts', 'start.mjs');

interface Run {
  readonly output: string[];
  readonly exited: Promise<number | null>;
  kill(signal: NodeJS.Signals): void;
}

function start(env: Record<string, string>): Run {
  const child = spawn(process.execPath, [START], {
    env: { PATH: process.env['PATH'] ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => output.push(chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => output.push(chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { output, exited, kill: (signal) => child.kill(signal) };
}

describe('npm start (scripts/start.mjs; npm start builds first)', () => {
  let dataDir: string;

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'sessiond-stack-'));
  });
  afterEach(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('starts Redis, the TACACS+ dev server, auth-api and the sweeper; the printed curl line gets a token; Ctrl-C stops all', async () => {
    const run = start({
      SESSIOND_DATA_DIR: dataDir,
      PORT: String(await freePort()),
      SWEEPER_PORT: String(await freePort()),
    });
    try {
      await waitFor(() => run.output.join('').includes('sessiond is up'), {
        timeoutMs: 60_000,
        message: `the stack (output: ${run.output.join('').slice(-2000)})`,
      });
      const text = run.output.join('');
      const curl = /curl -s -X POST -u (\S+):(\S+) (\S+)/.exec(text);
      expect(curl).not.toBeNull();
      const [, user = '', password = '', url = ''] = curl ?? [];
      const login = await fetch(url, {
        method: 'POST',
        headers: { Authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` },
      });
      expect(login.status).toBe(200);
      const { 'token-id': token } = (await login.json()) as Record<string, string>;
      const list = await fetch(url, { headers: { 'X-auth-token': token ?? '' } });
      expect(list.status).toBe(200);
      // redis-server logs to its file; the others print with a prefix.
      for (const name of ['[tacacs]', '[auth-api]', '[sweeper]']) expect(text).toContain(name);
    } finally {
      run.kill('SIGINT');
    }
    expect(await run.exited).toBe(0);
    expect(run.output.join('')).toContain('sessiond: stopped');
  });

  it('says how to get Redis when there is none (no REDIS_URL, no redis-server on PATH)', async () => {
    const run = start({ SESSIOND_DATA_DIR: dataDir, PATH: '/nonexistent', PORT: String(await freePort()) });
    expect(await run.exited).toBe(1);
    const text = run.output.join('');
    expect(text).toContain('install redis-server');
    expect(text).toContain('REDIS_URL');
  });

  it('reports an unreachable REDIS_URL', async () => {
    const run = start({
      SESSIOND_DATA_DIR: dataDir,
      REDIS_URL: `redis://127.0.0.1:${await freePort()}`,
      PORT: String(await freePort()),
    });
    expect(await run.exited).toBe(1);
    expect(run.output.join('')).toContain('REDIS_URL points at');
  });
});
