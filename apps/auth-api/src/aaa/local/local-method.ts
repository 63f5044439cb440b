import { hashPassword } from '@sessiond/passwords';
import type { Metrics } from '../../metrics';
import type { AaaMethod, AaaOutcome, AaaRequest, AaaSourceState } from '../types';
import type { LocalUsers } from './local-users';
import { PasswordVerifier } from './password-verifier';

/** The method's name in sessions, introspection and problems, and its source in audit records. */
export const LOCAL_METHOD_NAME = 'local';

/**
 * Users from LOCAL_USERS_FILE (scrypt hashes and priv-lvl). Hashing runs on libuv's thread pool
 * (async scrypt), never on the event loop, and the comparison is constant-time. An unknown user costs
 * the same scrypt work as a known one, and gets the same answer as a wrong password. Checks run on
 * `hashConcurrency` low-priority worker threads (LOCAL_HASH_CONCURRENCY; see PasswordVerifier), so
 * a burst of logins never takes the CPU from token validation.
 */
export class LocalMethod implements AaaMethod {
  readonly name = LOCAL_METHOD_NAME;
  private decoy: Promise<string> | undefined;
  private readonly verifier: PasswordVerifier;

  constructor(
    /** The users file (undefined: LOCAL_USERS_FILE not set). */
    readonly users: LocalUsers | undefined,
    hashConcurrency = 1,
    private readonly metrics?: Metrics,
  ) {
    this.verifier = new PasswordVerifier(hashConcurrency);
  }

  async authenticate({ username, password }: AaaRequest): Promise<AaaOutcome> {
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
    const matches = await this.verifier.verify(password, encoded);
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

  /** A hash of a random password, computed once, to spend the same work on unknown users. */
  private decoyHash(): Promise<string> {
    this.decoy ??= hashPassword(`decoy-${Math.random()}`);
    return this.decoy;
  }
}
