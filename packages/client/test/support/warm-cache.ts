import { waitFor } from '@sessiond/test-utils';
import type { DirectValidator } from '../../src/direct';

/** Validates until the cache holds the token's session (a miss fills it; a hit proves it). */
export async function warmCache(
  validator: DirectValidator,
  token: string,
  { timeoutMs = 10_000, intervalMs = 5 } = {},
): Promise<void> {
  await waitFor(
    async () => {
      const verdict = await validator.validate(token);
      if (!verdict.valid) throw new Error(`the token is refused: ${verdict.code}`);
      return verdict.session.source === 'cache';
    },
    { timeoutMs, intervalMs, message: 'the session to be served from the cache' },
  );
}
