import { hashPassword } from '@sessiond/passwords';
import type { LocalUsers } from './local-users';
import { PasswordVerifier } from './password-verifier';
import type { AaaMethod, AaaOutcome, AaaRequest, AaaSourceState } from './types';

/**
 * Users from LOCAL_USERS_FILE (scrypt hashes and priv-lvl). Hashing runs on libuv's thread pool
 * (async scrypt), never on the event loop, and the comparison is constant-time. An unknown user costs
 * the same scrypt work as a known one, and gets the same answer as a wrong password. Checks run on
 * `hashConcurrency` low-priority worker threads (LOCAL_HASH_CONCURRENCY; see PasswordVerifier), so
 * a burst of logins never takes the CPU from token validation.
 */
export class LocalMethod implements AaaMethod {
  readonly name = 'local' as const;
  private decoy: Promise<string> | undefined;
  private readonly verifier: PasswordVerifier;

  constructor(
    private readonly users: LocalUsers | undefined,
    hashConcurrency = 1,
  ) {
    this.verifier = new PasswordVerifier(hashConcurrency);
  }

  async authenticate({ username, password }: AaaRequest): Promise<AaaOutcome> {
    if (this.users === undefined) {
      return { kind: 'unavailable', method: 'local', status: 'not_configured', serversTried: 0, attempts: 0 };
    }
    const user = this.users.get(username);
    const encoded = user?.scrypt ?? (await this.decoyHash());
    const matches = await this.verifier.verify(password, encoded);
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
