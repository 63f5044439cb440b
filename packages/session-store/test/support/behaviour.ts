import { createHash } from 'node:crypto';
import {
  LoginThrottledError,
  SessionLimitError,
  SessionStore,
  type CreatedSession,
  type NewSession,
  type SessionStoreOptions,
} from '@sessiond/session-store';
import { redisTimeMs, uniqueKeyPrefix, untilRedisTime, waitFor } from '@sessiond/test-utils';
import { BEHAVIOUR_TIMEOUT_MS, countKeys, dumpEverything, type Client } from './connect';

export const alice: NewSession = {
  username: 'alice',
  privLvl: 15,
  aaa: 'tacacs+',
  sourceIp: '192.0.2.10',
  userAgent: 'Java/1.8.0_292',
};

/**
 * The store's behaviour, run against whatever Redis `client()` returns (a single node or a cluster).
 * Every test uses its own key prefix, so suites share a server without seeing each other.
 */
export function storeBehaviour(client: () => Client): void {
  let prefix: string;
  const store = (options: SessionStoreOptions = {}): SessionStore =>
    new SessionStore(client(), { keyPrefix: prefix, operationTimeoutMs: BEHAVIOUR_TIMEOUT_MS, ...options });
  // Deadlines are judged by Redis's clock (the scripts read TIME), so the tests wait on that clock,
  // never for a fixed time: a wait that lets a deadline pass cannot end early, and every step that
  // must come before a deadline has a margin of a second or more (a loaded 2-core CI machine can
  // stall a process for hundreds of milliseconds).
  const redisNow = (): Promise<number> => redisTimeMs(client());
  const until = (atMs: number, message?: string): Promise<number> =>
    untilRedisTime(client(), atMs, message !== undefined ? { message } : {});

  beforeEach(() => {
    prefix = uniqueKeyPrefix('s');
  });

  describe('create and validate', () => {
    it('issues a token that validates to its session', async () => {
      const s = store();
      const created = await s.create(alice);
      expect(created.token).toMatch(/^sd1\.[0-9a-z]{2}[A-Za-z0-9_-]{19}\.[A-Za-z0-9_-]{43}$/);
      expect(created.session).toMatchObject({
        username: 'alice',
        privLvl: 15,
        aaa: 'tacacs+',
        sourceIp: '192.0.2.10',
      });
      expect(created.session.userAgent).toBe('Java/1.8.0_292');
      expect(created.session.expiresAtMs - created.session.createdAtMs).toBe(15 * 60_000);
      expect(created.session.absoluteExpiresAtMs - created.session.createdAtMs).toBe(8 * 3_600_000);
      const result = await s.validate(created.token);
      expect(result).toEqual({ valid: true, session: created.session, touched: false });
    });

    it('refuses a wrong secret for a real session id, and malformed tokens', async () => {
      const s = store();
      const { token } = await s.create(alice);
      const [version, sessionId, secret = ''] = token.split('.');
      const otherSecret = (secret[0] === 'A' ? 'B' : 'A') + secret.slice(1);
      await expect(s.validate(`${version}.${sessionId}.${otherSecret}`)).resolves.toEqual({
        valid: false,
        reason: 'invalid',
      });
      for (const bad of [
        '',
        'sd1',
        token + 'x',
        token.slice(0, -1),
        `sd2.${sessionId}.${secret}`,
        'x'.repeat(10_000),
      ]) {
        await expect(s.validate(bad)).resolves.toEqual({ valid: false, reason: 'invalid' });
      }
      await expect(s.validate(token)).resolves.toMatchObject({ valid: true });
    });

    it('keeps no token secret in Redis: a dump of every key holds only SHA-256 digests', async () => {
      const s = store();
      const created: CreatedSession[] = [];
      for (let i = 0; i < 20; i += 1)
        created.push(await s.create({ ...alice, username: `user${i % 4}` }, { limit: 0 }));
      await s.revoke(created[0]?.session.sessionId ?? '');
      const dump = Buffer.concat(await dumpEverything(client(), prefix));
      expect(dump.length).toBeGreaterThan(0);
      for (const { token } of created) {
        const secret = token.split('.')[2] ?? '';
        expect(dump.includes(Buffer.from(token))).toBe(false);
        expect(dump.includes(Buffer.from(secret))).toBe(false);
        expect(dump.includes(Buffer.from(secret, 'base64url'))).toBe(false);
        expect(dump.includes(createHash('sha256').update(secret).digest())).toBe(true);
      }
    });
  });

  describe('limits under concurrency', () => {
    it('1,000 concurrent logins with limit 5 and policy reject leave exactly 5 live sessions', async () => {
      const s = store({ defaults: { limit: 5, policy: 'reject' } });
      const outcomes = await Promise.allSettled(Array.from({ length: 1000 }, () => s.create(alice)));
      const created = outcomes.filter((o) => o.status === 'fulfilled');
      const refused = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason as unknown] : []));
      expect(created).toHaveLength(5);
      expect(refused).toHaveLength(995);
      for (const error of refused) {
        expect(error).toBeInstanceOf(SessionLimitError);
        const limitError = error as SessionLimitError;
        expect(limitError.active).toBe(5);
        expect(limitError.retryAfterMs).toBeGreaterThan(0);
        expect(limitError.retryAfterMs).toBeLessThanOrEqual(15 * 60_000);
      }
      const live = await s.listByUser('alice');
      expect(live).toHaveLength(5);
      for (const outcome of created)
        await expect(s.validate(outcome.value.token)).resolves.toMatchObject({ valid: true });
    });

    it('1,000 concurrent logins with evict-oldest leave exactly 5; every evicted token says evicted', async () => {
      const s = store({ defaults: { limit: 5, policy: 'evict-oldest' } });
      const created = await Promise.all(Array.from({ length: 1000 }, () => s.create(alice)));
      const live = await s.listByUser('alice');
      expect(live).toHaveLength(5);
      const liveIds = new Set(live.map((x) => x.sessionId));
      const evictedIds = new Set(created.flatMap((c) => c.evicted.map((e) => e.sessionId)));
      expect(evictedIds.size).toBe(995);
      const results = await Promise.all(created.map((c) => s.validate(c.token, { touch: false })));
      created.forEach((c, i) => {
        const expected = liveIds.has(c.session.sessionId)
          ? { valid: true }
          : { valid: false, reason: 'evicted' };
        expect(results[i]).toMatchObject(expected);
        expect(liveIds.has(c.session.sessionId)).toBe(!evictedIds.has(c.session.sessionId));
      });
    });

    it('reject reports the live sessions and the time until the soonest idles out', async () => {
      const s = store({ defaults: { limit: 2, idleTimeoutMs: 60_000 } });
      const first = await s.create({ ...alice, sourceIp: '198.51.100.1' });
      await until(first.session.createdAtMs + 1); // the second is strictly newer
      const second = await s.create({ ...alice, sourceIp: '2001:db8::1' });
      const askedAt = await redisNow();
      const error = await s.create(alice).catch((e: unknown) => e);
      const answeredBy = await redisNow();
      expect(error).toBeInstanceOf(SessionLimitError);
      const { sessions, retryAfterMs, limit, policy } = error as SessionLimitError;
      expect({ limit, policy }).toEqual({ limit: 2, policy: 'reject' });
      expect(sessions.map((x) => x.sessionId)).toEqual([second.session.sessionId, first.session.sessionId]);
      expect(sessions.map((x) => x.sourceIp)).toEqual(['2001:db8::1', '198.51.100.1']);
      // The time left until the first session idles out, as Redis saw it when refusing.
      expect(first.session.expiresAtMs).toBe(first.session.createdAtMs + 60_000);
      expect(retryAfterMs).toBeGreaterThanOrEqual(first.session.expiresAtMs - answeredBy);
      expect(retryAfterMs).toBeLessThanOrEqual(first.session.expiresAtMs - askedAt);
    });

    it('evicts the least recently used session, not the oldest created', async () => {
      const s = store({ defaults: { limit: 2, policy: 'evict-oldest' }, touchGranularityMs: 0 });
      const a = await s.create(alice);
      await until(a.session.createdAtMs + 1);
      const b = await s.create(alice);
      await until(b.session.createdAtMs + 1);
      await expect(s.validate(a.token)).resolves.toMatchObject({ touched: true }); // a is now the most recently used
      const c = await s.create(alice);
      expect(c.evicted.map((x) => x.sessionId)).toEqual([b.session.sessionId]);
      await expect(s.validate(b.token)).resolves.toEqual({ valid: false, reason: 'evicted' });
      await expect(s.validate(a.token)).resolves.toMatchObject({ valid: true });
    });

    it('counts limits per user and per call override', async () => {
      const s = store({ defaults: { limit: 1 } });
      await s.create(alice);
      await s.create({ ...alice, username: 'bob' });
      await expect(s.create(alice)).rejects.toBeInstanceOf(SessionLimitError);
      await expect(s.create(alice, { limit: 2 })).resolves.toBeDefined();
      await expect(s.create(alice, { limit: 0 })).resolves.toBeDefined();
      expect(await s.listByUser('alice')).toHaveLength(3);
    });
  });

  describe('expiry', () => {
    it('ends an unused session after its idle timeout', async () => {
      const s = store({ defaults: { idleTimeoutMs: 1000 } });
      const { token, session } = await s.create(alice);
      expect(session.expiresAtMs).toBe(session.createdAtMs + 1000);
      await expect(s.validate(token, { touch: false })).resolves.toMatchObject({ valid: true });
      await until(session.expiresAtMs, 'the idle deadline');
      await expect(s.validate(token)).resolves.toEqual({ valid: false, reason: 'invalid' });
      expect(await s.listByUser('alice')).toEqual([]);
    });

    it('slides the idle deadline with use, and not with touch:false', async () => {
      // Used every 400 ms with a 2 s idle timeout: a stall of 1.6 s between two uses would be needed
      // to lose the used session.
      const s = store({ defaults: { idleTimeoutMs: 2000 }, touchGranularityMs: 0 });
      const used = await s.create(alice);
      const unused = await s.create(alice);
      let deadline = used.session.expiresAtMs;
      // Keep using one session until the other's deadline has passed, as Redis tells time.
      for (
        let at = used.session.createdAtMs + 400;
        (await redisNow()) < unused.session.expiresAtMs;
        at += 400
      ) {
        await until(at);
        const result = await s.validate(used.token);
        expect(result).toMatchObject({ valid: true, touched: true });
        if (result.valid) {
          expect(result.session.expiresAtMs).toBeGreaterThan(deadline);
          deadline = result.session.expiresAtMs;
        }
        await s.validate(unused.token, { touch: false });
      }
      expect(deadline).toBeGreaterThan(unused.session.expiresAtMs);
      // Past the unused session's 2 s: the used session lives on, the other idled out.
      await expect(s.validate(used.token, { touch: false })).resolves.toMatchObject({ valid: true });
      await expect(s.validate(unused.token, { touch: false })).resolves.toEqual({
        valid: false,
        reason: 'invalid',
      });
    });

    it('touches only when the deadline moves by the granularity (validation stays read-only)', async () => {
      // A 1 s granularity: the first validation, one round trip after the login, is far inside it.
      const s = store({ defaults: { idleTimeoutMs: 60_000 }, touchGranularityMs: 1000 });
      const { token, session } = await s.create(alice);
      const quick = await s.validate(token);
      expect(quick).toMatchObject({ valid: true, touched: false });
      if (quick.valid) expect(quick.session).toEqual(session);
      await until(session.createdAtMs + 1000, 'the granularity to pass');
      const later = await s.validate(token);
      expect(later).toMatchObject({ valid: true, touched: true });
      if (later.valid) expect(later.session.expiresAtMs).toBeGreaterThanOrEqual(session.expiresAtMs + 1000);
    });

    it('ends a session at its absolute lifetime however much it is used, and says so', async () => {
      const s = store({
        defaults: { idleTimeoutMs: 10_000, absoluteLifetimeMs: 2000 },
        touchGranularityMs: 0,
        buckets: 1,
      });
      const { token, session } = await s.create(alice);
      expect(session.expiresAtMs).toBe(session.absoluteExpiresAtMs);
      // Used at 0.2, 0.4 and 0.6 s: each use would slide a 10 s idle deadline, but the lifetime caps it.
      for (let i = 1; i <= 3; i += 1) {
        await until(session.createdAtMs + 200 * i);
        const result = await s.validate(token);
        expect(result).toMatchObject({ valid: true });
        if (result.valid) expect(result.session.expiresAtMs).toBe(session.absoluteExpiresAtMs);
      }
      await until(session.absoluteExpiresAtMs, 'the absolute lifetime');
      await expect(s.validate(token)).resolves.toEqual({ valid: false, reason: 'lifetime_exceeded' });
      // The reason outlives the sweep that clears the record.
      const swept = await s.sweep({ bucket: 0 });
      expect(swept.expired.map((x) => [x.sessionId, x.reason])).toEqual([[session.sessionId, 'lifetime']]);
      await expect(s.validate(token)).resolves.toEqual({ valid: false, reason: 'lifetime_exceeded' });
    });
  });

  describe('login throttle', () => {
    it('refuses a login once the pair has maxFailures failures, in the same step as the limit', async () => {
      const s = store();
      for (let i = 1; i <= 3; i += 1) {
        await expect(s.recordLoginFailure('alice', alice.sourceIp, 60_000)).resolves.toMatchObject({
          failures: i,
        });
      }
      const error = await s.create(alice, {}, { maxFailures: 3 }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(LoginThrottledError);
      expect((error as LoginThrottledError).retryAfterMs).toBeGreaterThan(55_000);
      expect((error as LoginThrottledError).retryAfterMs).toBeLessThanOrEqual(60_000);
      // Per user and address; without a throttle, or under a higher one, the login goes through.
      await expect(
        s.create({ ...alice, sourceIp: '198.51.100.7' }, {}, { maxFailures: 3 }),
      ).resolves.toBeDefined();
      await expect(s.create({ ...alice, username: 'bob' }, {}, { maxFailures: 3 })).resolves.toBeDefined();
      await expect(s.create(alice, {}, { maxFailures: 4 })).resolves.toBeDefined();
      // That success cleared the pair's failures.
      await expect(s.recordLoginFailure('alice', alice.sourceIp, 60_000)).resolves.toMatchObject({
        failures: 1,
      });
    });

    it('counts fallback failures apart: they never throttle create(), nor does a success clear them', async () => {
      const s = store();
      for (let i = 1; i <= 5; i += 1) {
        await expect(
          s.recordLoginFailure('alice', alice.sourceIp, 60_000, 'fallback'),
        ).resolves.toMatchObject({ failures: i });
      }
      await expect(s.create(alice, {}, { maxFailures: 1 })).resolves.toBeDefined();
      await expect(s.recordLoginFailure('alice', alice.sourceIp, 60_000, 'fallback')).resolves.toMatchObject({
        failures: 6,
      });
      await expect(s.recordLoginFailure('alice', alice.sourceIp, 60_000)).resolves.toMatchObject({
        failures: 1,
      });
    });

    it('counts failures of subjects that are not users (an address, a client) apart, each in its own window', async () => {
      const s = store();
      for (let i = 1; i <= 3; i += 1) {
        await expect(s.recordFailure('address', alice.sourceIp, 60_000)).resolves.toMatchObject({
          failures: i,
        });
      }
      const other = [
        s.recordFailure('address-fallback', alice.sourceIp, 60_000),
        s.recordFailure('client', alice.sourceIp, 60_000),
        s.recordFailure('address', '198.51.100.7', 60_000),
        s.recordLoginFailure('alice', alice.sourceIp, 60_000),
      ];
      for (const count of await Promise.all(other)) expect(count.failures).toBe(1);
      const { windowEndsInMs } = await s.recordFailure('address', alice.sourceIp, 60_000);
      expect(windowEndsInMs).toBeGreaterThan(55_000);
      expect(windowEndsInMs).toBeLessThanOrEqual(60_000);
      // Nothing in Redis refuses on these counts, and a success clears none of them.
      await expect(s.create(alice, {}, { maxFailures: 2 })).resolves.toBeDefined();
      await expect(s.recordFailure('address', alice.sourceIp, 60_000)).resolves.toMatchObject({
        failures: 5,
      });
    });

    it('forgets failures when their window ends', async () => {
      const s = store();
      // A 1.5 s window: the refused login, one round trip later, is far inside it.
      const { windowEndsInMs } = await s.recordLoginFailure('alice', alice.sourceIp, 1500);
      const recordedBy = await redisNow();
      expect(windowEndsInMs).toBeGreaterThan(0);
      expect(windowEndsInMs).toBeLessThanOrEqual(1500);
      await expect(s.create(alice, {}, { maxFailures: 1 })).rejects.toBeInstanceOf(LoginThrottledError);
      await until(recordedBy + windowEndsInMs, 'the end of the failure window');
      await expect(s.create(alice, {}, { maxFailures: 1 })).resolves.toBeDefined();
    });
  });

  describe('session count', () => {
    it('follows creates, evictions, revocations and sweeps', async () => {
      // 1.5 s idle: the steps before the sweep (a few round trips) end long before any session idles out.
      const s = store({ defaults: { limit: 3, policy: 'evict-oldest', idleTimeoutMs: 1500 }, buckets: 2 });
      const made = await Promise.all(
        Array.from({ length: 5 }, (_, i) => s.create({ ...alice, username: `c${i % 2}` })),
      );
      expect(await s.countSessions()).toBe(5);
      await s.create({ ...alice, username: 'c0' }); // c0 had 3: one evicted
      expect(await s.countSessions()).toBe(5);
      await s.revoke(made[1]?.session.sessionId ?? '');
      await s.revokeAll('c0');
      expect(await s.countSessions()).toBe(1);
      const left = await s.listByUser('c1');
      expect(left.map((x) => x.sessionId)).toEqual([made[3]?.session.sessionId]);
      await until(Math.max(...left.map((x) => x.expiresAtMs)), 'the last session to idle out');
      for (const bucket of [0, 1]) await s.sweep({ bucket });
      expect(await s.countSessions()).toBe(0);
    });
  });

  describe('revocation and listings', () => {
    it('revokes one session with a tombstone that only the real token can read', async () => {
      const s = store();
      const a = await s.create(alice);
      const b = await s.create(alice);
      const revoked = await s.revoke(a.session.sessionId, 'admin');
      expect(revoked).toMatchObject({ sessionId: a.session.sessionId, username: 'alice', reason: 'admin' });
      await expect(s.revoke(a.session.sessionId)).resolves.toBeUndefined();
      await expect(s.validate(a.token)).resolves.toEqual({ valid: false, reason: 'revoked' });
      const forged = `${a.token.slice(0, -2)}${a.token.endsWith('AA') ? 'BB' : 'AA'}`;
      await expect(s.validate(forged)).resolves.toEqual({ valid: false, reason: 'invalid' });
      await expect(s.validate(b.token)).resolves.toMatchObject({ valid: true });
      expect((await s.listByUser('alice')).map((x) => x.sessionId)).toEqual([b.session.sessionId]);
      await expect(s.get(a.session.sessionId)).resolves.toBeUndefined();
      await expect(s.get(b.session.sessionId)).resolves.toEqual(b.session);
    });

    it('revokes all of a user’s sessions and nobody else’s', async () => {
      const s = store({ defaults: { limit: 0 } });
      const mine = await Promise.all([1, 2, 3].map(() => s.create(alice)));
      const bobs = await s.create({ ...alice, username: 'bob' });
      const revoked = await s.revokeAll('alice');
      expect(revoked.map((x) => x.sessionId).sort()).toEqual(mine.map((x) => x.session.sessionId).sort());
      for (const { token } of mine)
        await expect(s.validate(token)).resolves.toEqual({ valid: false, reason: 'revoked' });
      await expect(s.validate(bobs.token)).resolves.toMatchObject({ valid: true });
      await expect(s.revokeAll('alice')).resolves.toEqual([]);
      expect(await s.listByUser('alice')).toEqual([]);
    });

    it('lists a user’s live sessions newest first, and nothing for unknown users or ids', async () => {
      const s = store({ defaults: { limit: 0 } });
      const ids: string[] = [];
      for (let i = 0; i < 4; i += 1) {
        const { session } = await s.create(alice);
        ids.push(session.sessionId);
        await until(session.createdAtMs + 1); // the next one is strictly newer
      }
      expect((await s.listByUser('alice')).map((x) => x.sessionId)).toEqual(ids.reverse());
      expect(await s.listByUser('nobody')).toEqual([]);
      await expect(s.get('00AAAAAAAAAAAAAAAAAAA')).resolves.toBeUndefined();
      await expect(s.get('not an id')).resolves.toBeUndefined();
    });
  });

  describe('sweep', () => {
    it('reports each expired session exactly once with three concurrent sweepers, and leaves live ones alone', async () => {
      const s = store({ defaults: { limit: 0, idleTimeoutMs: 400 }, buckets: 4 });
      const users = Array.from({ length: 40 }, (_, i) => `user${i}`);
      const doomed = await Promise.all(
        users.flatMap((username) => [0, 1, 2].map(() => s.create({ ...alice, username }))),
      );
      const keep = await Promise.all(
        users.map((username) => s.create({ ...alice, username }, { idleTimeoutMs: 60_000 })),
      );
      await until(Math.max(...doomed.map((x) => x.session.expiresAtMs)), 'every doomed session to idle out');
      const sweepAll = async (): Promise<string[]> => {
        const seen: string[] = [];
        for (let bucket = 0; bucket < 4; bucket += 1) {
          for (;;) {
            const result = await s.sweep({ bucket, batch: 7 });
            seen.push(...result.expired.map((x) => x.sessionId));
            expect(result.lost).toBe(0);
            if (!result.more) break;
          }
        }
        return seen;
      };
      const reports = (await Promise.all([sweepAll(), sweepAll(), sweepAll()])).flat();
      expect(reports.sort()).toEqual(doomed.map((x) => x.session.sessionId).sort());
      for (const k of keep) await expect(s.validate(k.token)).resolves.toMatchObject({ valid: true });
      for (let bucket = 0; bucket < 4; bucket += 1) {
        expect(await s.dueCount(bucket)).toBe(0);
        expect(await s.sweep({ bucket })).toMatchObject({ expired: [], examined: 0 });
      }
    });

    it('describes what expired: who, why and for how long', async () => {
      const s = store({ defaults: { idleTimeoutMs: 300 }, buckets: 1 });
      const { session } = await s.create(alice);
      await until(session.expiresAtMs, 'the idle deadline');
      expect(await s.dueCount(0)).toBe(1);
      const { expired } = await s.sweep({ bucket: 0 });
      expect(expired).toHaveLength(1);
      expect(expired[0]).toMatchObject({
        sessionId: session.sessionId,
        username: 'alice',
        reason: 'idle',
        sourceIp: '192.0.2.10',
        expiredAtMs: session.createdAtMs + 300,
        durationMs: 300,
      });
    });

    it('leaves a session touched after its user was filed alone, and comes back at its new deadline', async () => {
      // 2 s idle, used at 1 s: each step that must come before a deadline has a second to spare.
      const s = store({ defaults: { idleTimeoutMs: 2000 }, touchGranularityMs: 0, buckets: 1 });
      const { token, session } = await s.create(alice);
      await until(session.createdAtMs + 1000);
      const touched = await s.validate(token);
      expect(touched).toMatchObject({ valid: true, touched: true });
      if (!touched.valid) throw new Error('the session ended before it was used');
      const newDeadline = touched.session.expiresAtMs;
      expect(newDeadline).toBeGreaterThanOrEqual(session.expiresAtMs + 1000);
      // The user was filed under the first deadline, which has now passed.
      await until(session.expiresAtMs, 'the first deadline');
      expect(await s.sweep({ bucket: 0 })).toMatchObject({ expired: [], examined: 1 });
      await expect(s.validate(token, { touch: false })).resolves.toMatchObject({ valid: true });
      expect(await s.dueCount(0)).toBe(0);
      await until(newDeadline, 'the new deadline');
      const { expired } = await s.sweep({ bucket: 0 });
      expect(expired.map((x) => x.sessionId)).toEqual([session.sessionId]);
    });

    it('counts users whose records outlived the retention period as lost, once', async () => {
      const s = store({ defaults: { idleTimeoutMs: 200 }, buckets: 1, retentionMs: 1000 });
      await s.create(alice);
      // Records are kept 1 s past their expiry, then Redis drops them: wait until it has.
      await waitFor(async () => (await countKeys(client(), `${prefix}:{0}:r:`)) === 0, {
        message: 'Redis to drop the records',
      });
      expect(await s.sweep({ bucket: 0 })).toMatchObject({ expired: [], lost: 1, examined: 1 });
      expect(await s.sweep({ bucket: 0 })).toMatchObject({ expired: [], lost: 0, examined: 0 });
    });

    it('never reports an expiry before the cap, and clears tombstones when they are due', async () => {
      // The tombstone is due 2 s after the revocation, a's idle deadline 0.2 s after its login: the
      // sweep that reports a comes well before the tombstone is due.
      const s = store({ defaults: { idleTimeoutMs: 200 }, buckets: 1, tombstoneTtlMs: 2000 });
      const a = await s.create(alice);
      const b = await s.create(alice);
      await s.revoke(b.session.sessionId);
      const revokedBy = await redisNow();
      await until(a.session.expiresAtMs, "a's idle deadline");
      expect(await s.sweep({ bucket: 0, now: a.session.createdAtMs + 100 })).toMatchObject({
        expired: [],
        examined: 0,
      });
      expect((await s.sweep({ bucket: 0 })).expired.map((x) => x.sessionId)).toEqual([a.session.sessionId]);
      await until(revokedBy + 2000, 'the tombstone to be due');
      expect(await s.sweep({ bucket: 0 })).toMatchObject({ expired: [], examined: 1, lost: 0 });
      await expect(s.validate(b.token)).resolves.toEqual({ valid: false, reason: 'invalid' });
      expect(await s.dueCount(0)).toBe(0);
    });
  });
}
