import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, waitFor } from '@sessiond/test-utils';
import { KNOWN_VARIABLES } from '../../apps/auth-api/src/config';

export const ROOT = join(__dirname, '..', '..');

/** Whether this auth-api has the management listener (MANAGEMENT_PORT: /metrics, detailed /readyz). */
export const HAS_MANAGEMENT_LISTENER = KNOWN_VARIABLES.includes('MANAGEMENT_PORT');

/** A child process with everything it printed, kept whole (lines are split only when read). */
export interface Child {
  readonly child: ChildProcess;
  readonly exited: Promise<number | null>;
  output(): string;
  lines(): string[];
}

export function startChild(
  command: string,
  args: readonly string[],
  options: { env: Record<string, string>; cwd?: string },
): Child {
  const child = spawn(command, args, {
    env: options.env,
    cwd: options.cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const chunks: string[] = [];
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => chunks.push(chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => chunks.push(chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    exited,
    output: () => chunks.join(''),
    lines: () => chunks.join('').split('\n'),
  };
}

/** Runs a command to its end; resolves with its exit code and output (never rejects on a code). */
export async function runToEnd(
  command: string,
  args: readonly string[],
  env: Record<string, string>,
  { timeoutMs = 60_000, cwd, input }: { timeoutMs?: number; cwd?: string; input?: string } = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(command, args, { env, cwd, stdio: ['pipe', 'pipe', 'pipe'] });
  child.stdin.on('error', () => undefined); // a child that exits without reading its input
  child.stdin.end(input ?? '');
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (exitCode) => resolve(exitCode));
  });
  clearTimeout(timer);
  return { code, stdout, stderr };
}

/** The environment a child gets: PATH and HOME, never the test runner's own variables. */
export function baseEnv(): Record<string, string> {
  return { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '/tmp' };
}

export interface AuthApi extends Child {
  readonly url: string;
  /** The audit records it wrote (`"msg":"audit"` lines). */
  audits(): Record<string, unknown>[];
}

/** The built auth-api (`tsc -b` first) on free loopback ports, with `env`; resolves once it listens. */
export async function startAuthApi(env: Record<string, string>): Promise<AuthApi> {
  const main = join(ROOT, 'apps', 'auth-api', 'dist', 'main.js');
  if (!existsSync(main)) throw new Error(`${main} is missing: run \`npx tsc -b\` first`);
  const port = await freePort();
  const child = startChild(process.execPath, [main], {
    env: {
      ...baseEnv(),
      HOST: '127.0.0.1',
      PORT: String(port),
      USER_TAG_SECRET: 'test-user-tag-secret-0123456789',
      ...(HAS_MANAGEMENT_LISTENER ? { MANAGEMENT_PORT: String(await freePort()) } : {}),
      ...env,
    },
  });
  await waitFor(
    () => {
      if (child.child.exitCode !== null) throw new Error(`auth-api exited: ${child.output()}`);
      return child.output().includes('sessiond auth-api listening');
    },
    { timeoutMs: 20_000, message: 'the auth-api to listen' },
  );
  return {
    ...child,
    url: `http://127.0.0.1:${port}`,
    audits: () =>
      child
        .lines()
        .filter((line) => line.includes('"msg":"audit"'))
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

/** SIGTERM, and the exit code once it is gone. */
export async function stop(child: Child | undefined): Promise<number | null | undefined> {
  if (child === undefined) return undefined;
  if (child.child.exitCode === null && child.child.signalCode === null) child.child.kill('SIGTERM');
  return child.exited;
}
