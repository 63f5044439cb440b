import type { Request, RequestHandler, Response } from 'express';
import { Passport } from 'passport';
import { LoginThrottledError, SessionLimitError, type SessionStore } from '@sessiond/session-store';
import type { AaaChain, ChainOutcome, ChainPass, ChainRequest } from '../aaa/chain';
import type { Accounting } from '../aaa/accounting';
import { LocalOverloadedError, LoginAbandonedError } from '../aaa/local/errors';
import type { LocalAaaRequest } from '../aaa/local/local-method';
import { StrictBasicStrategy, type BasicFailure } from '../auth/strict-basic-strategy';
import type { AddressLimits, LoginThrottle } from '../auth/login-throttle';
import type { Config } from '../config';
import type { Logger } from '../logger';
import type { Metrics } from '../metrics';
import { linkBase, type TrustProxy } from '../http/request-base';
import { contextOf } from '../http/request-context';
import { sessionItem, tokenBody } from '../http/cisco';
import { aaaProblem, auditAaa } from '../http/aaa-problem';
import type { AuditFields } from '../http/audit';
import { ProblemError, retryAfterSeconds } from '../http/problem-error';
import { clientGone, dropAbandoned } from './login-abandoned';
import { overloadedProblem, throttledProblem } from './login-problems';

export interface LoginDeps {
  readonly config: Config;
  readonly store: SessionStore;
  readonly aaa: AaaChain;
  readonly throttle: LoginThrottle;
  /** The per-address limits (LOGIN_MAX_FAILURES_PER_ADDRESS). */
  readonly addressLimits: AddressLimits;
  readonly accounting: Accounting;
  readonly trust: TrustProxy;
  readonly metrics: Metrics;
  readonly logger: Logger;
}

type AaaPass = ChainPass & { readonly username: string };

/**
 * POST /api/v1/auth/token-services: HTTP Basic (passport-http) → login throttles (user and address,
 * address alone) → AAA chain → privilege check → session limit and insert in one Redis step. Each
 * refusal has its own code: the seed's three causes of a 401 are told apart (invalid_credentials
 * 401, session_limit_reached 429, aaa_unavailable 503), and an overloaded local method is a 503
 * aaa_overloaded. A login whose client goes away is dropped: no hashing not yet started, no failure
 * counted, no session created, one audit line with code `abandoned`.
 */
export function loginHandlers(deps: LoginDeps): RequestHandler[] {
  const limits = deps.addressLimits;
  const passport = new Passport();
  passport.use(
    'basic',
    new StrictBasicStrategy<AaaPass>((req, username, password, done) => {
      authenticate(deps, limits, req, username, password).then((user) => done(null, user), done);
    }),
  );
  const authenticateBasic: RequestHandler = (req, res, next) => {
    // Every attempt is on the audit record, including those without usable credentials.
    contextOf(res).audit = { event: 'login' };
    res.locals['abandoned'] = clientGone(res);
    const run = passport.authenticate(
      'basic',
      { session: false },
      (error: unknown, user: AaaPass | false, failure: BasicFailure | undefined) => {
        if (error instanceof LoginAbandonedError) dropAbandoned(deps, req, res);
        else if (error !== null && error !== undefined) next(error);
        else if (user === false)
          next(
            new ProblemError(
              failure?.code ?? 'credentials_missing',
              failure?.detail ?? 'send HTTP Basic credentials',
            ),
          );
        else {
          res.locals['aaa'] = user;
          next();
        }
      },
    ) as RequestHandler;
    void run(req, res, next);
  };
  return [
    authenticateBasic,
    async (req, res) => {
      // Authenticated, but nobody is there to receive a token: no session is created.
      if ((res.locals['abandoned'] as AbortSignal).aborted) {
        dropAbandoned(deps, req, res);
        return;
      }
      const body = await createSession(deps, req, res.locals['aaa'] as AaaPass);
      contextOf(res).sessionId = String(body['session-id']);
      res
        .status(200)
        .set({ Location: String(body['link']), 'Cache-Control': 'no-store' })
        .json(body);
    },
  ];
}

async function authenticate(
  deps: LoginDeps,
  limits: AddressLimits,
  req: Request,
  username: string,
  password: string,
): Promise<AaaPass | false> {
  const { config, throttle, metrics } = deps;
  const res = req.res as Response;
  const context = contextOf(res);
  const audit: AuditFields = { event: 'login', username };
  context.audit = audit;
  const address = context.clientIp;
  const abandoned = res.locals['abandoned'] as AbortSignal;
  const check = throttle.check(username, address);
  if (check.throttled) {
    metrics.throttled.inc({ limit: 'user' });
    throw throttledProblem('user', address, check.retryAfterMs);
  }
  const spraying = limits.login.check(address);
  if (spraying.throttled) {
    throw throttledProblem('address', address, spraying.retryAfterMs);
  }
  const outcome = await decide(deps.aaa, abandoned, {
    username,
    password,
    remAddr: address,
    signal: AbortSignal.timeout(config.aaa.deadlineMs),
    abandoned,
    fallbackGate: () => {
      const user = throttle.check(username, address, 'fallback');
      if (user.throttled) metrics.throttled.inc({ limit: 'user-fallback' });
      const fromAddress = limits.fallback.check(address);
      const waits = [user, fromAddress].flatMap((c) => (c.throttled ? [c.retryAfterMs] : []));
      return waits.length > 0 ? { allowed: false, retryAfterMs: Math.max(...waits) } : { allowed: true };
    },
  });
  audit.aaa = auditAaa(outcome);
  // Nobody reads the answer of a client that went away: it counts toward no limit.
  if (abandoned.aborted) throw new LoginAbandonedError();
  switch (outcome.kind) {
    case 'reject':
      await Promise.all([throttle.recordFailure(username, address), limits.login.recordFailure(address)]);
      if (throttle.maxFailures > 0) metrics.failuresCounted.inc({ limit: 'user' });
      return false;
    case 'unavailable':
      // An outage never counts toward the login throttles; a fallback's reject has its own counts.
      if (outcome.fallback?.result === 'rejected') {
        await Promise.all([
          throttle.recordFailure(username, address, 'fallback'),
          limits.fallback.recordFailure(address),
        ]);
        if (throttle.maxFailures > 0) metrics.failuresCounted.inc({ limit: 'user-fallback' });
      }
      throw aaaProblem(outcome, config.aaa);
    case 'pass':
      return { ...outcome, username };
  }
}

/**
 * The AAA chain's verdict; an overloaded local method becomes 503 aaa_overloaded. Identical logins
 * arriving together share one AAA request (chain.ts), started with the first one's request: if that
 * client went away, its local check was dropped, and a login whose client is still here asks again.
 */
async function decide(
  aaa: AaaChain,
  abandoned: AbortSignal,
  request: ChainRequest & LocalAaaRequest,
): Promise<ChainOutcome> {
  for (;;) {
    try {
      return await aaa.authenticate(request);
    } catch (error) {
      if (error instanceof LoginAbandonedError && !abandoned.aborted) continue;
      if (error instanceof LocalOverloadedError) throw overloadedProblem(error);
      throw error;
    }
  }
}

async function createSession(deps: LoginDeps, req: Request, user: AaaPass): Promise<Record<string, unknown>> {
  const { config, store, accounting, throttle } = deps;
  if (user.privLvl < config.requiredPrivLvl) {
    throw new ProblemError(
      'insufficient_privilege',
      `authenticated, but priv-lvl ${user.privLvl} is below the required ${config.requiredPrivLvl}`,
      { priv_lvl: user.privLvl, required_priv_lvl: config.requiredPrivLvl },
    );
  }
  const base = linkBase(config.publicBaseUrl);
  const context = contextOf(req.res as Response);
  const address = context.clientIp;
  try {
    const created = await store.create(
      {
        username: user.username,
        privLvl: user.privLvl,
        aaa: user.method,
        sourceIp: address,
        userAgent: req.get('user-agent') ?? '',
      },
      {
        limit: config.session.limitPerUser,
        policy: config.session.limitPolicy,
        idleTimeoutMs: config.session.idleTimeoutS * 1000,
        absoluteLifetimeMs: config.session.maxLifetimeS * 1000,
      },
      { maxFailures: throttle.maxFailures },
    );
    accounting.start(created.session);
    for (const evicted of created.evicted) accounting.stop(evicted, 'evicted');
    context.evicted = created.evicted;
    const evicted = config.session.limitPolicy === 'evict-oldest' ? created.evicted : undefined;
    return tokenBody(created.token, created.session, base, evicted);
  } catch (error) {
    if (error instanceof LoginThrottledError) {
      throttle.remember(user.username, address, error.retryAfterMs);
      deps.metrics.throttled.inc({ limit: 'user' });
      throw throttledProblem('user', address, error.retryAfterMs);
    }
    if (!(error instanceof SessionLimitError)) throw error;
    const seconds = retryAfterSeconds(error.retryAfterMs);
    throw new ProblemError(
      'session_limit_reached',
      `${user.username} already has ${error.active} live sessions (limit ${error.limit}); log out one of them (DELETE its link) or wait ${seconds} s for the soonest to idle out`,
      {
        limit: error.limit,
        active: error.active,
        policy: error.policy,
        retry_after: seconds,
        sessions: error.sessions.map((s) => sessionItem(s, base, undefined)),
      },
      { 'Retry-After': String(seconds) },
    );
  }
}
