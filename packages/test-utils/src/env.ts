/**
 * The one place where the test helpers read the environment (the apps read theirs in
 * apps/* /src/config.ts). `REDIS_URL` points the single-node suites at an existing Redis; the helpers
 * start their own otherwise. Suites that must stop or restart Redis always start their own.
 */
// eslint-disable-next-line no-restricted-properties -- test-only package, see comment above
const env = process.env;

export function externalRedisUrl(): string | undefined {
  const url = env['REDIS_URL'];
  return url !== undefined && url.trim() !== '' ? url.trim() : undefined;
}
