#!/usr/bin/env node
import { PasswordsError } from '@sessiond/passwords';
import { TacacsError } from '@sessiond/tacacs-plus';
import { parseServerArgs, USAGE } from './parse-args';
import { startServerFromCli } from './run-server';

/** `sessiond-tacacs-server`: parse, start, log to stdout, stop cleanly on SIGINT / SIGTERM. */
async function main(): Promise<void> {
  let options;
  try {
    options = parseServerArgs(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${USAGE}\n`);
    process.exitCode = 2;
    return;
  }
  if (options === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  if (options.key !== undefined) {
    process.stderr.write('warning: --key is visible in the process list; prefer --key-file\n');
  }
  const server = await startServerFromCli(options, (line) => process.stdout.write(`${line}\n`));
  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`received ${signal}, closing\n`);
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  // TacacsErrors and PasswordsErrors (a bad users file) carry no secrets; anything else is reported
  // with its name.
  const message =
    error instanceof TacacsError || error instanceof PasswordsError
      ? error.message
      : error instanceof Error
        ? `${error.name}: ${error.message}`
        : 'unknown error';
  process.stderr.write(`sessiond-tacacs-server: ${message}\n`);
  process.exit(1);
});
