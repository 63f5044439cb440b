import { hashPassword, verifyPassword } from '@sessiond/tacacs-plus';
import { ConcurrencyLimiter } from './limiter';
import type { LocalUsers } from './local-users';
import type { AaaMethod, AaaOutcome, AaaRequest, AaaSourceState } from './types';

/**
 * Users from LOCAL_USERS_FILE (scrypt hashes and priv-lvl). Hashing runs on libuv's thread pool
 * (async scrypt), never on the event loop, and the comparison is constant-time. An unknown user costs
 * the same scrypt work as a known one, and gets the same answer as a wrong password. At most
 * `hashConcurrency` hashes run at once (LOCAL_HASH_CONCURRENCY), so a burst of logins leaves CPU
 * for token validation; the others wait their turn within the login's AAA deadline.
 */
export class LocalMethod implements AaaMethod {
  readonly name = 'local' as const;
  private decoy: Promise<string> | undefined;
  private readonly limiter: ConcurrencyLimiter;

  constructor(
    private readonly users: LocalUsers | undefined,
    hashConcurrency = 1,
  ) {
    this.limiter = new ConcurrencyLimiter(hashConcurrency);
  }

  async authenticate({ username, password }: AaaRequest): Promise<AaaOutcome> {
    if (this.users === undefined) {
      return { kind: 'unavailable', method: 'local', status: 'not_configured', serversTried: 0, attempts: 0 };
    }
    const user = this.users.get(username);
    const encoded = user?.scrypt ?? (await this.decoyHash());
    const matches = await this.limiter.run(() => verifyPassword(password, encoded));
    return user !== undefined && matches
      ? { kind: 'pass', method: 'local', privLvl: user.privLvl }
      : { kind: 'reject', method: 'local' };
  }

  states(): readonly AaaSourceState[] {
    if (this.users === undefined) return [{ source: 'local', state: 'not-configured' }];
    return [
      {
        source: 'local',
        state: 'loaded',
        detail: `${this.users.size} users from ${this.users.path}`,
        ...(this.users.lastLoaded !== undefined ? { since: this.users.lastLoaded.toISOString() } : {}),
      },
    ];
  }

  close(): Promise<void> {
    this.users?.close();
    return Promise.resolve();
  }

  /** A hash of a random password, computed once, to spend the same work on unknown users. */
  private decoyHash(): Promise<string> {
    this.decoy ??= hashPassword(`decoy-${Math.random()}`);
    return this.decoy;
  }
}
