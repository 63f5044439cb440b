import { spawn, type ChildProcess } from 'node:child_process';

export interface Running {
  readonly name: string;
  readonly child: ChildProcess;
  readonly output: string[];
  stop(): Promise<void>;
}

/** Starts a process and waits until a line of its stdout contains `ready`. */
export async function startProcess(
  name: string,
  args: readonly string[],
  env: Readonly<Record<string, string>>,
  ready: string,
  timeoutMs = 30_000,
): Promise<Running> {
  const child = spawn(process.execPath, args, {
    env: { PATH: process.env['PATH'] ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  let seen = false;
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    if (!seen && chunk.includes(ready)) seen = true;
    if (output.length < 200) output.push(chunk);
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => output.push(chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + timeoutMs;
  while (!seen) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${name} did not start: ${output.join('').slice(-2000)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    name,
    child,
    output,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Runs a process to completion and returns its stdout. */
export function runProcess(
  args: readonly string[],
  env: Readonly<Record<string, string>> = {},
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      env: { PATH: process.env['PATH'] ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (err += c));
    child.once('exit', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`exit ${code}: ${err.slice(-2000)}`)),
    );
  });
}
