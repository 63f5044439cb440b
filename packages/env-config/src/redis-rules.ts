/**
 * The session store's secrets: each may come from `<NAME>_FILE` and is never printed. REDIS_URL
 * may carry the data nodes' user and password; REDIS_SENTINEL_PASSWORD is the Sentinels' own.
 */
export const SESSION_STORE_SECRETS: readonly string[] = ['REDIS_URL', 'REDIS_SENTINEL_PASSWORD'];

const TLS_FILES = ['REDIS_TLS_CA_FILE', 'REDIS_TLS_CERT_FILE', 'REDIS_TLS_KEY_FILE'] as const;

/**
 * The rules across the variables of `sessionStoreEnv`, checked on the raw values (parseEnv's
 * `present`, and `unresolved`: secrets whose `_FILE` was named but could not be read count as set),
 * so one start-up message lists them with every other problem. Never quotes a secret.
 */
export function sessionStoreProblems(
  present: Readonly<Record<string, string>>,
  unresolved: ReadonlySet<string> = new Set(),
): string[] {
  const isSet = (name: string): boolean => present[name] !== undefined || unresolved.has(name);
  const problems: string[] = [];
  if (isSet('REDIS_SENTINELS') && isSet('REDIS_CLUSTER_NODES')) {
    problems.push(
      'REDIS_SENTINELS, REDIS_CLUSTER_NODES: set one or neither (Sentinel watches one master and its replicas; a Redis Cluster has no Sentinels)',
    );
  }
  if (isSet('REDIS_SENTINELS') && !isSet('REDIS_SENTINEL_MASTER')) {
    problems.push(
      'REDIS_SENTINEL_MASTER: required with REDIS_SENTINELS (the master name the Sentinels monitor)',
    );
  }
  if (isSet('REDIS_SENTINEL_MASTER') && !isSet('REDIS_SENTINELS')) {
    problems.push('REDIS_SENTINELS: required with REDIS_SENTINEL_MASTER (host:port,… of the Sentinels)');
  }
  for (const name of ['REDIS_SENTINEL_USERNAME', 'REDIS_SENTINEL_PASSWORD']) {
    if (isSet(name) && !isSet('REDIS_SENTINELS')) problems.push(`${name}: only used with REDIS_SENTINELS`);
  }
  if (isSet('REDIS_SENTINEL_USERNAME') && !isSet('REDIS_SENTINEL_PASSWORD')) {
    problems.push('REDIS_SENTINEL_PASSWORD: required with REDIS_SENTINEL_USERNAME');
  }
  // The URL is a secret: say which scheme it has, never what it is.
  const url = present['REDIS_URL'] ?? (unresolved.has('REDIS_URL') ? undefined : 'redis://');
  if (url !== undefined && !/^\s*rediss:/i.test(url)) {
    for (const name of TLS_FILES) {
      if (isSet(name)) problems.push(`${name}: needs a rediss:// REDIS_URL (it is not rediss://)`);
    }
  }
  if (isSet('REDIS_TLS_CERT_FILE') !== isSet('REDIS_TLS_KEY_FILE')) {
    problems.push('REDIS_TLS_CERT_FILE, REDIS_TLS_KEY_FILE: set both (a client certificate) or neither');
  }
  return problems;
}
