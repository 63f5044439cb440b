import { createHash } from 'node:crypto';
import type { AaaMethod, AaaOutcome, AaaRequest } from './types';

/**
 * The AAA methods in AAA_METHODS order (Cisco `aaa authentication login default group tacacs+ local`):
 * the next method is asked only when the previous one is unavailable, never after a reject.
 * Identical logins arriving together (same user, same password) share one AAA request.
 */
export class AaaChain {
  private readonly inFlight = new Map<string, Promise<AaaOutcome>>();

  constructor(readonly methods: readonly AaaMethod[]) {}

  authenticate(request: AaaRequest): Promise<AaaOutcome> {
    // The key is a digest, so the map never holds a password in clear.
    const key = createHash('sha256')
      .update(request.username)
      .update('\0')
      .update(request.password)
      .digest('base64');
    const pending = this.inFlight.get(key);
    if (pending !== undefined) return pending;
    const outcome = this.run(request).finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, outcome);
    return outcome;
  }

  /** How many distinct AAA requests are running now (coalesced logins share one). */
  get pending(): number {
    return this.inFlight.size;
  }

  private async run(request: AaaRequest): Promise<AaaOutcome> {
    let last: AaaOutcome | undefined;
    for (const method of this.methods) {
      const outcome = await method.authenticate(request);
      if (outcome.kind !== 'unavailable') return outcome;
      // Keep the most telling unavailability: a configured method's over an unconfigured one's.
      if (last === undefined || last.kind !== 'unavailable' || last.status === 'not_configured')
        last = outcome;
      if (request.signal.aborted) break;
    }
    return (
      last ?? { kind: 'unavailable', method: 'local', status: 'not_configured', serversTried: 0, attempts: 0 }
    );
  }

  async close(): Promise<void> {
    await Promise.all(this.methods.map((m) => m.close()));
  }
}
