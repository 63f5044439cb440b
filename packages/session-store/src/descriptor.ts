import { StoreReplyError } from './errors';
import type { SessionDescriptor } from './types';

/**
 * Decodes the record descriptor "c|l|x|i|p|a|ip" written by the Lua scripts (format documented in
 * lua/includes/record.lua): created in ms since the epoch, last access and absolute deadline in ms
 * after it, the idle timeout in ms, the privilege level; all base 36.
 */
export function decodeDescriptor(
  sessionId: string,
  username: string,
  descriptor: string,
  userAgent: string,
): SessionDescriptor {
  const parts = descriptor.split('|');
  if (parts.length !== 7) throw new StoreReplyError(`malformed session descriptor for ${sessionId}`);
  const [c, l, x, i, p, aaa = '', sourceIp = ''] = parts;
  const createdAtMs = base36(c);
  const lastAccessAtMs = createdAtMs + base36(l);
  const absoluteExpiresAtMs = createdAtMs + base36(x);
  const idleTimeoutMs = base36(i);
  return {
    sessionId,
    username,
    privLvl: base36(p),
    aaa,
    sourceIp,
    userAgent,
    createdAtMs,
    lastAccessAtMs,
    expiresAtMs: Math.min(lastAccessAtMs + idleTimeoutMs, absoluteExpiresAtMs),
    absoluteExpiresAtMs,
    idleTimeoutMs,
  };
}

function base36(value: string | undefined): number {
  const n = parseInt(value ?? '', 36);
  if (!Number.isSafeInteger(n)) throw new StoreReplyError('malformed number in a session descriptor');
  return n;
}
