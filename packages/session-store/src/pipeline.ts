import type { ChainableCommander } from 'ioredis';
import { StoreReplyError } from './errors';

/**
 * Executes a pipeline and returns each command's reply; a failed command rejects the whole call, so
 * the caller's guard maps it like any other Redis error (a pipeline reports errors per command).
 */
export async function execPipeline(pipeline: ChainableCommander, expected: number): Promise<unknown[]> {
  const results = (await pipeline.exec()) ?? [];
  if (results.length !== expected)
    throw new StoreReplyError(`pipeline: expected ${expected} replies, got ${results.length}`);
  return results.map(([error, reply]) => {
    if (error !== null) throw error;
    return reply;
  });
}
