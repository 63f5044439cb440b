// `npm run lint:openapi` (part of `npm run lint`): writes the auth-api's OpenAPI document, as the
// service serves it at /api/v1/openapi.json, to apps/auth-api/dist/openapi.json and lints it with
// @redocly/cli (recommended rules; redocly.yaml, exceptions with their reasons in
// .redocly.lint-ignore.yaml). Needs the build (`tsc -b`).
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
/** @type {{ OPENAPI_DOCUMENT: unknown }} */
const { OPENAPI_DOCUMENT } = require(join(root, 'apps', 'auth-api', 'dist', 'openapi', 'document.js'));
const target = join(root, 'apps', 'auth-api', 'dist', 'openapi.json');
writeFileSync(target, `${JSON.stringify(OPENAPI_DOCUMENT, null, 2)}\n`);

const redocly = join(root, 'node_modules', '.bin', 'redocly');
const result = spawnSync(redocly, ['lint', '--config', join(root, 'redocly.yaml'), target], {
  cwd: root,
  encoding: 'utf8',
});
const output = `${result.stdout}${result.stderr}`;
process.stdout.write(output);
// Warnings fail too: every exception must be listed, with its reason, in .redocly.lint-ignore.yaml.
if (result.status !== 0 || /You have \d+ warnings?/.test(output)) {
  process.stderr.write('lint:openapi: the OpenAPI document has errors or unexplained warnings\n');
  process.exit(1);
}
