import type { Redis } from 'ioredis';
import {
  INTROSPECT_PATH,
  LOGIN_PATH,
  basic,
  metricsText,
  sample,
  send,
  sumOf,
  type Answer,
  type Target,
} from './client';

// The three measurements of issue 12 ("bounded login work"), each against a fresh auth-api with the
// production defaults. Every figure is read from the service itself (/metrics, Redis), so the same
// scenarios measure an older build too (ABUSE_MAIN).

export const ABANDONED = 150;
export const ABANDON_AFTER_MS = 100;
export const SPRAYED_USERS = 60;
export const WRONG_SECRETS = 500;

/** Local users of the benchmark (real scrypt cost, ln=14). */
export const LOCAL_USERS = {
  carol: 'carol-bench-pw',
  dave: 'dave-bench-pw',
  erin: 'erin-bench-pw',
} as const;
export const CLIENT = { id: 'bench-api', secret: 'bench-client-secret-0123456789abcdef' } as const;

export interface AbandonedFigures {
  /** A login sent while the abandoned ones wait (before their clients go away). */
  readonly during: Answer | undefined;
  /** A login sent once every abandoned client has gone away. */
  readonly after: Answer | undefined;
  /** Password checks a thread ran for the abandoned logins. */
  readonly hashed: number;
  /** Failed logins Redis counted for the abandoned user from this address. */
  readonly countedForUser: number;
  /** The abandoned user's right password, once everything settled: 200, or 429 if the abandoned counted. */
  readonly rightPassword: Answer | undefined;
  /** The new metrics, for the abandoned logins alone (undefined on a build without them). */
  readonly abandonedMetric: number | undefined;
  readonly overloadedMetric: number | undefined;
}

/** 150 wrong-password logins whose clients go away after 100 ms, and real logins meanwhile. */
export async function abandonedLogins(
  target: Target,
  redis: Redis,
  prefix: string,
): Promise<AbandonedFigures> {
  const login = (user: keyof typeof LOCAL_USERS): Promise<Answer | undefined> =>
    send(target, LOGIN_PATH, basic(user, LOCAL_USERS[user]));
  // Threads started, the decoy hash computed: the flood meets a warm service.
  await login('dave');
  const before = checksDone(await metricsText(target));
  const abandoned = Array.from({ length: ABANDONED }, (_, i) =>
    send(target, LOGIN_PATH, basic('carol', `wrong-${i}`), { abandonAfterMs: ABANDON_AFTER_MS }),
  );
  const duringAnswer = login('erin');
  await Promise.all(abandoned);
  const after = await login('dave');
  const during = await duringAnswer;
  const settled = await settle(target);
  // Erin's and dave's own checks, unless the service refused them before hashing.
  const real = [during, after].filter((a) => a !== undefined && a.code !== 'aaa_overloaded').length;
  const realRefused = [during, after].filter((a) => a?.code === 'aaa_overloaded').length;
  const overloaded = sample(settled, 'sessiond_local_hash_checks_total{result="overloaded"}');
  const hashed = checksDone(settled) - before - real;
  const rightPassword = await login('carol');
  return {
    during,
    after,
    hashed: Math.max(0, hashed),
    countedForUser: await sumKeys(redis, `${prefix}:*:f:*`),
    rightPassword,
    abandonedMetric: sample(settled, 'sessiond_local_hash_checks_total{result="abandoned"}'),
    overloadedMetric: overloaded === undefined ? undefined : overloaded - realRefused,
  };
}

export interface SprayFigures {
  readonly refused: number;
  readonly rejected: number;
  readonly firstRefusedAt: number | undefined;
}

/** 60 distinct usernames with a wrong password from one address. */
export async function passwordSpraying(target: Target): Promise<SprayFigures> {
  const statuses: number[] = [];
  for (let i = 0; i < SPRAYED_USERS; i += 1) {
    const answer = await send(target, LOGIN_PATH, basic(`sprayed-${i}`, 'Winter2026!'));
    statuses.push(answer?.status ?? 0);
  }
  const first = statuses.indexOf(429);
  return {
    refused: statuses.filter((s) => s === 429).length,
    rejected: statuses.filter((s) => s === 401).length,
    firstRefusedAt: first < 0 ? undefined : first + 1,
  };
}

export interface SecretFigures {
  readonly refused: number;
  readonly rejected: number;
  /** The right secret right after the wrong ones. */
  readonly rightSecret: number | undefined;
}

/** 500 wrong introspection client secrets for one client id from one address. */
export async function wrongClientSecrets(target: Target): Promise<SecretFigures> {
  const body = JSON.stringify({ token: 'sd1.unknown' });
  const statuses: number[] = [];
  for (let i = 0; i < WRONG_SECRETS; i += 1) {
    const answer = await send(target, INTROSPECT_PATH, basic(CLIENT.id, `guess-${i}`), { body });
    statuses.push(answer?.status ?? 0);
  }
  const right = await send(target, INTROSPECT_PATH, basic(CLIENT.id, CLIENT.secret), { body });
  return {
    refused: statuses.filter((s) => s === 429).length,
    rejected: statuses.filter((s) => s === 401).length,
    rightSecret: right?.status,
  };
}

/** Password checks that ran to a verdict or were started, whichever this build reports. */
function checksDone(text: string): number {
  const started = sample(text, 'sessiond_local_hash_checks_total{result="hashed"}');
  return started ?? sumOf(text, 'sessiond_aaa_request_duration_seconds_count', 'method="local"');
}

/** /metrics once the service is idle: nothing queued and no check finishing for a second. */
async function settle(target: Target): Promise<string> {
  let last = '';
  let stableSince = Date.now();
  for (;;) {
    const text = await metricsText(target);
    const state = [
      checksDone(text),
      sample(text, 'sessiond_local_hash_queue_depth') ?? 0,
      sumOf(text, 'sessiond_local_hash_checks_total'),
    ].join('/');
    if (state !== last) {
      last = state;
      stableSince = Date.now();
    } else if (
      Date.now() - stableSince >= 1000 &&
      (sample(text, 'sessiond_local_hash_queue_depth') ?? 0) === 0
    ) {
      return text;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The sum of the integer values of the keys matching `pattern`. */
async function sumKeys(redis: Redis, pattern: string): Promise<number> {
  let total = 0;
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = next;
    for (const key of keys) total += Number((await redis.get(key)) ?? 0);
  } while (cursor !== '0');
  return total;
}
