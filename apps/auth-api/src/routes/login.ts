import type { Request, RequestHandler, Response } from 'express';
import { Passport } from 'passport';
import { LoginThrottledError, SessionLimitError, type SessionStore } from '@sessiond/session-store';
import type { AaaChain, ChainPass } from '../aaa/chain';
import type { Accounting } from '../aaa/accounting';
import { StrictBasicStrategy, type BasicFailure } from '../auth/strict-basic-strategy';
import type { LoginThrottle } from '../auth/login-throttle';
import type { Config } from '../config';
import { linkBase, type TrustProxy } from '../http/request-base';
import { contextOf } from '../http/request-context';
import { sessionItem, tokenBody } from '../http/cisco';
import { aaaProblem, auditAaa } from '../http/aaa-problem';
import type { AuditFields } from '../http/audit';
import { ProblemError, retryAfterSeconds } from '../http/problem-error';

export interface LoginDeps {
  readonly config: Config;
  readonly store: SessionStore;
  readonly aaa: AaaChain;
  readonly throttle: LoginThrottle;
  readonly accounting: Accounting;
  readonly trust: TrustProxy;
}

type AaaPass = ChainPass & { readonly username: string };

/**
 * POST /api/v1/auth/token-services: HTTP Basic (passport-http) → login throttle → AAA chain →
 * privilege check → session limit and insert in one Redis step. Each refusal has its own code:
 * the seed's three causes of a 401 are told apart (invalid_credentials 401, session_limit_reached
 * 429, aaa_unavailable 503).
 */
export function loginHandlers(deps: LoginDeps): RequestHandler[] {
  const passport = new Passport();
  passport.use(
    'basic',
    new StrictBasicStrategy<AaaPass>((req, username, password, done) => {
      authenticate(deps, req, username, password).then((user) => done(null, user), done);
    }),
  );
  const authenticateBasic: RequestHandler = (req, res, next) => {
    // Every attempt is on the audit record, including those without usable credentials.
    contextOf(res).audit = { event: 'login' };
    const run = passport.authenticate(
      'basic',
      { session: false },
      (error: unknown, user: AaaPass | false, failure: BasicFailure | undefined) => {
        if (error !== null && error !== undefined) next(error);
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
    (req, res) =>
      createSession(deps, req, res.locals['aaa'] as AaaPass).then((body) => {
        contextOf(res).sessionId = String(body['session-id']);
        res
          .status(200)
          .set({ Location: String(body['link']), 'Cache-Control': 'no-store' })
          .json(body);
      }),
  ];
}

async function authenticate(
  deps: LoginDeps,
  req: Request,
  username: string,
  password: string,
): Promise<AaaPass | false> {
  const { config, throttle, aaa } = deps;
  const context = contextOf(req.res as Response);
  const audit: AuditFields = { event: 'login', username };
  context.audit = audit;
  const address = context.clientIp;
  const check = throttle.check(username, address);
  if (check.throttled) throw throttledProblem(address, check.retryAfterMs);
  const outcome = await aaa.authenticate({
    username,
    password,
    remAddr: address,
    signal: AbortSignal.timeout(config.aaa.deadlineMs),
    fallbackGate: () => {
      const fallback = throttle.check(username, address, 'fallback');
      return fallback.throttled ? { allowed: false, retryAfterMs: fallback.retryAfterMs } : { allowed: true };
    },
  });
  audit.aaa = auditAaa(outcome);
  switch (outcome.kind) {
    case 'reject':
      await throttle.recordFailure(username, address);
      return false;
    case 'unavailable':
      // An outage never counts toward the login throttle; a fallback's reject has its own count.
      if (outcome.fallback?.result === 'rejected')
        await throttle.recordFailure(username, address, 'fallback');
      throw aaaProblem(outcome, config.aaa);
    case 'pass':
      return { ...outcome, username };
  }
}

function throttledProblem(address: string, retryAfterMs: number): ProblemError {
  const seconds = retryAfterSeconds(retryAfterMs);
  return new ProblemError(
    'login_throttled',
    `too many failed logins for this user from ${address}; try again in ${seconds} s`,
    { retry_after: seconds },
    { 'Retry-After': String(seconds) },
  );
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
      throw throttledProblem(address, error.retryAfterMs);
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
