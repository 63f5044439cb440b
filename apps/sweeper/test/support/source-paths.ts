import { Module } from 'node:module';
import { join } from 'node:path';

// Preloaded into the sweeper child processes the tests start
// (`node -r ts-node/register/transpile-only -r ./source-paths.ts src/main.ts`): resolves the
// workspace packages to their TypeScript sources, as jest's moduleNameMapper does, so the child runs
// the same code as the in-process tests without a build.
type Resolve = (request: string, ...rest: unknown[]) => string;
const loader = Module as unknown as { _resolveFilename: Resolve };
const resolve = loader._resolveFilename;
const PACKAGES = join(__dirname, '..', '..', '..', '..', 'packages');

loader._resolveFilename = function (this: unknown, request: string, ...rest: unknown[]): string {
  const match = /^@sessiond\/(session-store|tacacs-plus|passwords|test-utils)$/.exec(request);
  if (match?.[1] !== undefined) return join(PACKAGES, match[1], 'src', 'index.ts');
  return resolve.call(this, request, ...rest);
};
