import { createHash } from 'node:crypto';
import type { Cluster, Redis } from 'ioredis';
import { guarded } from '@sessiond/session-store';

export type ThrottleCheck =
  | { readonly throttled: false; readonly failures: number }
  | { readonly throttled: true; readonly retryAfterMs: number };

/**
 * Failed logins per user and source address, in Redis so every replica sees them
 * (LOGIN_MAX_FAILURES within LOGIN_FAILURE_WINDOW_S, counted from the first failure). Only
 * `invalid_credentials` counts; AAA timeouts and session-limit refusals never do. Keys hold a digest
 * of the pair, not the username. A Redis outage fails the login with 503, like the session store.
 */
export class LoginThrottle {
  constructor(
    private readonly redis: Redis | Cluster,
    private readonly options: {
      readonly keyPrefix: string;
      readonly maxFailures: number;
      readonly windowMs: number;
      readonly timeoutMs: number;
    },
  ) {}

  get enabled(): boolean {
    return this.options.maxFailures > 0;
  }

  async check(username: string, address: string): Promise<ThrottleCheck> {
    if (!this.enabled) return { throttled: false, failures: 0 };
    const key = this.key(username, address);
    const [count, ttl] = await guarded('throttle', this.options.timeoutMs, async () => {
      const results = (await this.redis.pipeline().get(key).pttl(key).exec()) ?? [];
      for (const [error] of results) if (error !== null) throw error;
      return [Number(results[0]?.[1] ?? 0), Number(results[1]?.[1] ?? -2)];
    });
    if (count >= this.options.maxFailures && ttl > 0) return { throttled: true, retryAfterMs: ttl };
    return { throttled: false, failures: count };
  }

  async recordFailure(username: string, address: string): Promise<void> {
    if (!this.enabled) return;
    const key = this.key(username, address);
    await guarded('throttle', this.options.timeoutMs, async () => {
      const results =
        (await this.redis.multi().incr(key).pexpire(key, this.options.windowMs, 'NX').exec()) ?? [];
      for (const [error] of results) if (error !== null) throw error;
    });
  }

  async reset(username: string, address: string): Promise<void> {
    if (!this.enabled) return;
    await guarded('throttle', this.options.timeoutMs, () => this.redis.del(this.key(username, address)));
  }

  private key(username: string, address: string): string {
    const digest = createHash('sha256')
      .update(username)
      .update('\0')
      .update(address)
      .digest('base64url')
      .slice(0, 22);
    return `${this.options.keyPrefix}:lt:${digest}`;
  }
}
