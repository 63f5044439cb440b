/** Something that recognises a family of names, such as a RegExp (`TACACS_SECRET_<X>`). */
export interface NamePattern {
  test(name: string): boolean;
}

// Below this length one edit already turns one name into an unrelated one (HOST and HOME are two apart).
const SHORT_NAME_LENGTH = 8;
const SHORT_NAME_DISTANCE = 1;
const LONG_NAME_DISTANCE = 2;

// What shells, base images, runtimes and CI set: never sessiond's, whatever they resemble
// (SSL_CERT_FILE is two edits from TLS_CERT_FILE, and OpenSSL reads it).
const ORDINARY_NAMES = new Set([
  '_',
  'CI',
  'COLORTERM',
  'DEBUG',
  'EDITOR',
  'FORCE_COLOR',
  'HOME',
  'HOSTNAME',
  'INIT_CWD',
  'JEST_WORKER_ID',
  'LANG',
  'LANGUAGE',
  'LOGNAME',
  'MAIL',
  'NO_COLOR',
  'NODE_ENV',
  'NODE_EXTRA_CA_CERTS',
  'NODE_OPTIONS',
  'NODE_PATH',
  'NODE_VERSION',
  'OLDPWD',
  'PAGER',
  'PATH',
  'PWD',
  'SHELL',
  'SHLVL',
  'SSL_CERT_DIR',
  'SSL_CERT_FILE',
  'TEMP',
  'TERM',
  'TMP',
  'TMPDIR',
  'TZ',
  'USER',
  'YARN_VERSION',
]);
const ORDINARY_PATTERNS = [/^npm_/i, /^LC_/, /^XDG_/, /^(?:HTTPS?|NO|ALL)_PROXY$/i];

// Kubernetes' service links: for a Service `foo`, every pod in its namespace gets FOO_SERVICE_HOST,
// FOO_SERVICE_PORT[_<port name>], FOO_PORT=tcp://…, FOO_PORT_<n>_TCP[_PROTO|_PORT|_ADDR]
// (kubernetes.io/docs/concepts/services-networking/service/#environment-variables).
const SERVICE_LINK_NAMES = [
  /_SERVICE_HOST$/,
  /_SERVICE_PORT(?:_[A-Z0-9_]+)?$/,
  /_PORT_\d+_(?:TCP|UDP|SCTP)(?:_PROTO|_PORT|_ADDR)?$/,
];
// A bare FOO_PORT is a link only by its value: SWEPER_PORT=9000 is still a typo of SWEEPER_PORT.
const SERVICE_LINK_PORT = { name: /_PORT$/, value: /^(?:tcp|udp|sctp):\/\//i };

/**
 * One line for each variable of `env` that sessiond does not know but that is a few edits from a
 * name it does (a typo that would otherwise be silently ignored): `SESSION_LIMT_PER_USER: not a
 * setting sessiond knows; did you mean SESSION_LIMIT_PER_USER?`. Case is ignored when comparing.
 * Unset or empty variables, names matching `knownPatterns`, the ordinary environment and
 * Kubernetes' service links are never reported. Values are never repeated.
 */
export function lookAlikeProblems(
  env: Readonly<Record<string, string | undefined>>,
  knownNames: Iterable<string>,
  knownPatterns: readonly NamePattern[] = [],
): string[] {
  const known = [...new Set(knownNames)];
  const knownSet = new Set(known);
  const problems: string[] = [];
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined || value === '' || knownSet.has(name)) continue;
    if (knownPatterns.some((p) => p.test(name)) || isOrdinary(name) || isServiceLink(name, value)) continue;
    const matches = closestNames(name, known);
    if (matches.length > 0) {
      problems.push(`${name}: not a setting sessiond knows; did you mean ${matches.join(' or ')}?`);
    }
  }
  return problems;
}

function isOrdinary(name: string): boolean {
  return ORDINARY_NAMES.has(name) || ORDINARY_PATTERNS.some((p) => p.test(name));
}

function isServiceLink(name: string, value: string): boolean {
  return (
    SERVICE_LINK_NAMES.some((p) => p.test(name)) ||
    (SERVICE_LINK_PORT.name.test(name) && SERVICE_LINK_PORT.value.test(value))
  );
}

/** The known names nearest to `name`, when within reach (see SHORT_NAME_LENGTH). */
function closestNames(name: string, known: readonly string[]): string[] {
  const upper = name.toUpperCase();
  let best = Number.POSITIVE_INFINITY;
  let matches: string[] = [];
  for (const candidate of known) {
    const reach =
      Math.min(name.length, candidate.length) < SHORT_NAME_LENGTH ? SHORT_NAME_DISTANCE : LONG_NAME_DISTANCE;
    if (Math.abs(name.length - candidate.length) > reach) continue;
    const distance = editDistance(upper, candidate.toUpperCase());
    if (distance > reach || distance > best) continue;
    if (distance < best) {
      best = distance;
      matches = [];
    }
    matches.push(candidate);
  }
  return matches;
}

/**
 * Damerau-Levenshtein distance (the optimal string alignment variant): insertions, deletions,
 * substitutions and transpositions of two adjacent characters each count as one edit.
 */
export function editDistance(a: string, b: string): number {
  const width = b.length + 1;
  const d = new Array<number>((a.length + 1) * width).fill(0);
  const at = (i: number, j: number): number => d[i * width + j] ?? 0;
  for (let i = 0; i <= a.length; i++) d[i * width] = i;
  for (let j = 0; j <= b.length; j++) d[j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        value = Math.min(value, at(i - 2, j - 2) + 1);
      }
      d[i * width + j] = value;
    }
  }
  return at(a.length, b.length);
}
