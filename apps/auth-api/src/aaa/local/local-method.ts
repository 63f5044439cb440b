import { hashPassword } from '@sessiond/passwords';
import type { Metrics } from '../../metrics';
import type { AaaMethod, AaaOutcome, AaaRequest, AaaSourceState } from '../types';
import { LocalOverloadedError, LoginAbandonedError } from './errors';
import type { LocalUsers } from './local-users';
import { HASH_DEFAULTS, HashRefusedError, PasswordVerifier, type HashPriority } from './password-verifier';

/** The method's name in sessions, introspection and problems, and its source in audit records. */
export const LOCAL_METHOD_NAME = 'local';

/** How local passwords are checked (LOCAL_HASH_CONCURRENCY, LOCAL_HASH_QUEUE_MAX, LOCAL_HASH_PRIORITY). */
export interface LocalHashSettings {
  readonly concurrency: number;
  readonly queueMax: number;
  readonly priority: HashPriority;
}

/**
 * A login as the local method sees it. The chain hands every method the login's own request object,
 * so the HTTP layer can say here when its client has gone away.
 */
export interface LocalAaaRequest extends AaaRequest {
  /** Fires when the HTTP client has gone away (its connection closed) before the answer. */
  readonly abandoned?: AbortSignal;
}

/**
 * Users from LOCAL_USERS_FILE (scrypt hashes and priv-lvl). Checks run on `concurrency` worker
 * threads at LOCAL_HASH_PRIORITY (see PasswordVerifier), never on the event loop, and the comparison
 * is constant-time. An unknown user costs the same scrypt work as a known one, and gets the same
 * answer as a wrong password. The work is bounded: at most `queueMax` checks wait for a thread
 * (beyond, LocalOverloadedError at once), and a check still waiting when the login's AAA deadline
 * passes or its client goes away is never run (LocalOverloadedError, LoginAbandonedError).
 */
export class LocalMethod implements AaaMethod {
  readonly name = LOCAL_METHOD_NAME;
  private decoy: Promise<string> | undefined;
  private readonly verifier: PasswordVerifier;

  constructor(
    /** The users file (undefined: LOCAL_USERS_FILE not set). */
    readonly users: LocalUsers | undefined,
    hashing: LocalHashSettings = { concurrency: 1, ...HASH_DEFAULTS },
    private readonly metrics?: Metrics,
  ) {
    this.verifier = new PasswordVerifier({
      size: hashing.concurrency,
      queueMax: hashing.queueMax,
      priority: hashing.priority,
      onQueueChange: (queued) => metrics?.localHashQueue.set(queued),
      onStart: () => metrics?.localHashChecks.inc({ result: 'hashed' }),
    });
  }

  /** Checks waiting for a hashing thread. */
  get queued(): number {
    return this.verifier.queued;
  }

  /** Checks a hashing thread is running now. */
  get running(): number {
    return this.verifier.running;
  }

  async authenticate(request: LocalAaaRequest): Promise<AaaOutcome> {
    const { username, password, signal, abandoned } = request;
    if (this.users === undefined) {
      return {
        kind: 'unavailable',
        method: this.name,
        status: 'not_configured',
        serversTried: 0,
        attempts: 0,
        retryAt: undefined,
        heldDown: false,
        steps: [{ method: this.name, server: this.name, result: 'not-configured' }],
      };
    }
    const started = performance.now();
    const user = this.users.get(username);
    const encoded = user?.scrypt ?? (await this.decoyHash());
    let matches: boolean;
    try {
      matches = await this.verifier.verify(
        password,
        encoded,
        abandoned === undefined ? [signal] : [signal, abandoned],
      );
    } catch (error) {
      throw this.refusal(error, abandoned);
    }
    const seconds = (performance.now() - started) / 1000;
    const ms = Math.round(seconds * 10_000) / 10;
    this.metrics?.aaaLatency.observe(
      { method: this.name, server: this.name, outcome: user !== undefined && matches ? 'pass' : 'reject' },
      seconds,
    );
    // The same shape for an unknown user and a wrong password: nothing tells them apart.
    return user !== undefined && matches
      ? {
          kind: 'pass',
          method: this.name,
          privLvl: user.privLvl,
          steps: [{ method: this.name, server: this.name, result: 'pass', ms }],
        }
      : {
          kind: 'reject',
          method: this.name,
          steps: [{ method: this.name, server: this.name, result: 'reject', ms }],
        };
  }

  states(): readonly AaaSourceState[] {
    if (this.users === undefined) return [{ source: 'local', state: 'not-configured' }];
    return [
      {
        source: 'local',
        state: 'loaded',
        detail: `${this.users.size} users from ${this.users.path}`,
        since: this.users.lastLoaded.toISOString(),
      },
    ];
  }

  async close(): Promise<void> {
    this.users?.close();
    await this.verifier.close();
  }

  /**
   * What a check that gave no verdict means for the login, and for the metrics: each check is
   * counted once, `hashed` when a thread starts it (onStart), or by why it never ran.
   */
  private refusal(error: unknown, abandoned: AbortSignal | undefined): unknown {
    if (!(error instanceof HashRefusedError)) return error;
    const unhashed = (result: 'overloaded' | 'abandoned' | 'expired'): void => {
      if (!error.started) this.metrics?.localHashChecks.inc({ result });
    };
    if (error.reason === 'queue-full') {
      unhashed('overloaded');
      return new LocalOverloadedError('queue-full', error.retryAfterMs);
    }
    if (abandoned?.aborted === true) {
      unhashed('abandoned');
      return new LoginAbandonedError();
    }
    unhashed('expired');
    return new LocalOverloadedError('deadline', error.retryAfterMs);
  }

  /** A hash of a random password, computed once, to spend the same work on unknown users. */
  private decoyHash(): Promise<string> {
    this.decoy ??= hashPassword(`decoy-${Math.random()}`);
    return this.decoy;
  }
}
