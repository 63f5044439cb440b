import type { NewSession } from '@sessiond/session-store';

// A browser's User-Agent: the store keeps its first 64 bytes, so this is the largest record.
const USER_AGENT =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0';

/**
 * The i-th session of a memory measurement: a TACACS+ login with a mail-like username, its own
 * source address and a browser User-Agent. The single-node measurement and the cluster check use
 * the same shape, so their bytes per session compare.
 */
export function sampleSession(i: number, sessionsPerUser: number, prefix = 'user'): NewSession {
  return {
    username: `${prefix}${Math.floor(i / sessionsPerUser)}@example.net`,
    privLvl: 15,
    aaa: 'tacacs+',
    sourceIp: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
    userAgent: USER_AGENT,
  };
}
