import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Redis } from 'ioredis';
import { createDirectValidator, requireSession, type DirectValidator } from '@sessiond/client/direct';
import { SessionStore } from '@sessiond/session-store';
import { closedLoop, inBatches } from '../common/load';
import { median } from '../common/table';

// The session cache of direct mode (@sessiond/client/direct, issue 15 deliverable 3): hot-token
// validations per second in one process, Redis commands per validation, and how soon a revocation
// written on another connection reaches the cache. Targets: ≥ 1,000,000 validations/s; ≤ 0.01
// commands per validation; p99 ≤ 50 ms from the write's completion to the cache refusing the token.
const ROUND_MS = 3000;
const ROUNDS = 3;
const WARM_TOKENS = 10_000;
const REVOCATIONS = 1000;

export type Row = (string | number)[];

interface Setup {
  readonly store: SessionStore;
  readonly validator: DirectValidator;
  readonly close: () => Promise<void>;
}

/** A writer store on the bench's connection and a cached direct validator with its own, one prefix. */
async function setup(url: string, redis: Redis, keyPrefix: string, idleTimeoutMs?: number): Promise<Setup> {
  const store = new SessionStore(redis, {
    keyPrefix,
    defaults: { limit: 0, ...(idleTimeoutMs !== undefined ? { idleTimeoutMs } : {}) },
  });
  const validator = createDirectValidator({ mode: 'direct', redis: { url, keyPrefix } });
  await validator.ready();
  const deadline = Date.now() + 10_000;
  while (validator.sessionCache()?.live !== true) {
    if (Date.now() > deadline) throw new Error('the session cache did not go live');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return { store, validator, close: () => validator.close() };
}

async function newToken(store: SessionStore, username: string): Promise<string> {
  return (await store.create({ username, privLvl: 15, aaa: 'local', sourceIp: '10.1.2.3' })).token;
}

/** Validates until the answer comes from the cache. */
async function warm(validator: DirectValidator, token: string): Promise<void> {
  for (let i = 0; i < 1000; i += 1) {
    const verdict = await validator.validate(token);
    if (!verdict.valid) throw new Error(`warm: refused (${verdict.code})`);
    if (verdict.session.source === 'cache') return;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error('warm: never served from the cache');
}

/** Sequential validations for `ms`, a turn of the event loop every 1000 (replies, invalidations). */
async function loop(ms: number, validate: (i: number) => Promise<unknown>): Promise<number> {
  const started = performance.now();
  let count = 0;
  while (performance.now() - started < ms) {
    for (let i = 0; i < 1000; i += 1) await validate(count + i);
    count += 1000;
    await new Promise((resolve) => setImmediate(resolve));
  }
  return (count * 1000) / (performance.now() - started);
}

/** Every command the server ran so far, INFO (the counting itself) left out. */
async function commandCalls(admin: Redis): Promise<number> {
  const info = await admin.info('commandstats');
  let total = 0;
  for (const [, name, calls] of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) {
    if (name !== 'info') total += Number(calls);
  }
  return total;
}

/** The middleware with the minimum of a request and response (as the store bench drives it). */
function throughMiddleware(middleware: ReturnType<typeof requireSession>, token: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = { headers: { 'x-auth-token': token } } as unknown as IncomingMessage;
    const res = {
      setHeader: () => undefined,
      end: () => reject(new Error('refused')),
    } as unknown as ServerResponse;
    middleware(req, res, (error?: unknown) =>
      error === undefined
        ? resolve()
        : reject(error instanceof Error ? error : new Error('middleware error')),
    );
  });
}

/**
 * Validations per second (median of rounds, after an untimed warm-up round) and Redis commands per
 * validation over the timed rounds (every command the server ran: validations, touches, heartbeats).
 */
export async function cacheThroughput(url: string, redis: Redis, admin: Redis): Promise<Row[]> {
  const { store, validator, close } = await setup(url, redis, 'benchcache');
  const middleware = requireSession({ mode: 'direct', redis: { url, keyPrefix: 'benchcache' } });
  try {
    await middleware.ready();
    const hot = await newToken(store, 'hot');
    // One session per user: a touch (a write to the user's records) drops only its own session.
    const tokens: string[] = [];
    await inBatches(
      Array.from({ length: WARM_TOKENS }, (_, i) => i),
      200,
      async (i) => {
        tokens[i] = await newToken(store, `user${i}`);
      },
    );
    await warm(validator, hot);
    for (const token of tokens) await warm(validator, token);
    // The middleware's cache warms on its first hits.
    for (let i = 0; i < 3; i += 1) await throughMiddleware(middleware, hot);

    const many = `${WARM_TOKENS.toLocaleString('en')} tokens (one per user) in turn`;
    const peers: [string, number, (caller: number, i: number) => Promise<unknown>][] = [
      ['createDirectValidator().validate, one hot token, 1 caller', 1, () => validator.validate(hot)],
      [
        `createDirectValidator().validate, ${many}, 100 callers`,
        100,
        (c, i) => validator.validate(tokens[(c * 7919 + i) % WARM_TOKENS] ?? hot),
      ],
      [
        'requireSession (direct) middleware, one hot token, 1 caller',
        1,
        () => throughMiddleware(middleware, hot),
      ],
    ];
    const rows: Row[] = [];
    for (const [name, callers, validate] of peers) {
      const round = async (ms: number): Promise<number> =>
        callers === 1 ? loop(ms, (i) => validate(0, i)) : (await closedLoop(callers, ms, validate)).perSecond;
      await round(1000);
      const samples: number[] = [];
      const before = await commandCalls(admin);
      for (let r = 0; r < ROUNDS; r += 1) samples.push(await round(ROUND_MS));
      const commands = (await commandCalls(admin)) - before;
      const validations = samples.reduce((sum, perSecond) => sum + (perSecond * ROUND_MS) / 1000, 0);
      rows.push([
        name,
        Math.round(median(samples)),
        samples.map((v) => Math.round(v)).join(' / '),
        commands,
        (commands / validations).toExponential(1),
      ]);
    }
    return rows;
  } finally {
    await middleware.close();
    await close();
  }
}

/**
 * The cost of sliding expiry: a hot token whose session has a 10 s idle timeout (so a touch is due
 * every 1 s, the automatic granularity) validated for ROUND_MS; commands per validation.
 */
export async function touchCost(url: string, redis: Redis, admin: Redis): Promise<Row> {
  const { store, validator, close } = await setup(url, redis, 'benchtouch', 10_000);
  try {
    const hot = await newToken(store, 'hot');
    await warm(validator, hot);
    const before = await commandCalls(admin);
    const touchesBefore = validator.sessionCache()?.touches ?? 0;
    const perSecond = await loop(ROUND_MS * 2, () => validator.validate(hot));
    const commands = (await commandCalls(admin)) - before;
    const validations = (perSecond * ROUND_MS * 2) / 1000;
    return [
      `one hot token, 10 s idle timeout (a touch due every 1 s), ${(ROUND_MS * 2) / 1000} s`,
      Math.round(perSecond),
      (validator.sessionCache()?.touches ?? 0) - touchesBefore,
      commands,
      (commands / validations).toExponential(1),
    ];
  } finally {
    await close();
  }
}

/**
 * REVOCATIONS sessions, each cached, then revoked on the bench's connection (logout and admin in
 * turn): the time from the revocation's reply to the cache dropping the entry (polled every turn of
 * the event loop), then a check that the validator refuses it.
 */
export async function revocationLatency(url: string, redis: Redis): Promise<Row[]> {
  const { store, validator, close } = await setup(url, redis, 'benchrevoke');
  const latencies: number[] = [];
  try {
    for (let i = 0; i < REVOCATIONS; i += 1) {
      const { token, session } = await store.create({
        username: `revoked${i}`,
        privLvl: 1,
        aaa: 'local',
        sourceIp: '10.1.2.3',
      });
      await warm(validator, token);
      const dropped = validator.sessionCache()?.invalidated ?? 0;
      await store.revoke(session.sessionId, i % 2 === 0 ? 'logout' : 'admin');
      const written = performance.now();
      while ((validator.sessionCache()?.invalidated ?? 0) === dropped) {
        if (performance.now() - written > 5000) throw new Error(`revocation ${i} never reached the cache`);
        await new Promise((resolve) => setImmediate(resolve));
      }
      latencies.push(performance.now() - written);
      const verdict = await validator.validate(token);
      if (verdict.valid || verdict.code !== 'token_revoked')
        throw new Error(`revocation ${i}: still accepted`);
    }
  } finally {
    await close();
  }
  const sorted = [...latencies].sort((a, b) => a - b);
  const at = (q: number): string =>
    (sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0).toFixed(3);
  return [
    [
      `${REVOCATIONS} revocations (logout / admin in turn, another connection)`,
      at(0.5),
      at(0.99),
      (sorted.at(-1) ?? 0).toFixed(3),
    ],
  ];
}
