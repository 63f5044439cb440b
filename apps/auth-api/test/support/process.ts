import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { waitFor } from '@sessiond/test-utils';

export const MAIN = join(__dirname, '..', '..', 'dist', 'main.js');

export interface RunningApi {
  readonly child: ChildProcess;
  readonly stdout: string[];
  readonly stderr: string[];
  readonly exited: Promise<number | null>;
}

/** Starts the built auth-api (`npm test` builds first) with `env`, and waits for "listening" unless told not to. */
export async function startApi(
  env: Record<string, string>,
  { waitListening = true } = {},
): Promise<RunningApi> {
  if (!existsSync(MAIN))
    throw new Error(`${MAIN} is missing: run \`npm run build\` (npm test does it first)`);
  const child = spawn(process.execPath, [MAIN], {
    // An ephemeral management port: several auth-api processes run at once in the test suites.
    env: {
      PATH: process.env['PATH'] ?? '',
      MANAGEMENT_PORT: '0',
      USER_TAG_SECRET: 'test-user-tag-secret-0123456789',
      // Suites run side by side: see harness.ts (password checks at nice 19 can starve behind them).
      LOCAL_HASH_PRIORITY: 'normal',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stdout: string[] = [];
  const stderr: string[] = [];
  child.stdout
    ?.setEncoding('utf8')
    .on('data', (chunk: string) => stdout.push(...chunk.split('\n').filter((l) => l !== '')));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => stderr.push(chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  if (waitListening) {
    await waitFor(() => stdout.some((l) => l.includes('sessiond auth-api listening')), {
      timeoutMs: 15_000,
      message: `the auth-api to listen (stderr: ${stderr.join('')})`,
    });
  }
  return { child, stdout, stderr, exited };
}
