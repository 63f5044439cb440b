#!/usr/bin/env node
import { createHash, randomBytes } from 'node:crypto';
import { hashPassword } from '@sessiond/passwords';
import { readSecret } from './read-secret';

// Run from the repository root as `npm run -s hash-password` (it builds this file first when needed;
// -s keeps npm's banner off stdout, so the output can be piped or redirected).
const USAGE = `usage: npm run -s hash-password [-- --client | -- --new-client-secret]

  (no option)          read a password (prompted without echo, or from stdin) and print its scrypt
                       hash for LOCAL_USERS_FILE ("scrypt": "…")
  --client             read an introspection client secret and print "sha256:<hex>" for
                       INTROSPECTION_CLIENTS_FILE ("secret": "…")
  --new-client-secret  generate a random client secret; print it, then its "sha256:<hex>" line
`;

async function run(args: readonly string[]): Promise<void> {
  const mode = args[0];
  if (args.length > 1 || (mode !== undefined && !['--client', '--new-client-secret'].includes(mode))) {
    process.stderr.write(USAGE);
    process.exitCode = 2;
    return;
  }
  if (mode === '--new-client-secret') {
    const secret = randomBytes(32).toString('base64url');
    process.stdout.write(`${secret}\nsha256:${createHash('sha256').update(secret).digest('hex')}\n`);
    return;
  }
  const secret = await readSecret(mode === '--client' ? 'Client secret: ' : 'Password: ');
  if (secret === '') {
    process.stderr.write('hash-password: empty input, nothing hashed\n');
    process.exitCode = 1;
    return;
  }
  process.stdout.write(
    mode === '--client'
      ? `sha256:${createHash('sha256').update(secret).digest('hex')}\n`
      : `${await hashPassword(secret)}\n`,
  );
}

run(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`hash-password: ${(error as Error).message}\n`);
  process.exitCode = 1;
});
