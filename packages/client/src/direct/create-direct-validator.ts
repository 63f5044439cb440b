import { resolveCommon } from '../middleware/options';
import type { Verdict } from '../middleware/validators';
import { buildDirectValidator } from './build-validator';
import type { SessionCacheStats } from './cached-validation';
import type { DirectRedisOptions, DirectStoreOptions } from './options';

type ValidatorOptionNames = 'mode' | 'store' | 'redis' | 'sessionCache' | 'touch' | 'onError';

/** createDirectValidator's options: where the sessions are, `touch`, `sessionCache` and `onError`. */
export type DirectValidatorOptions =
  Pick<DirectStoreOptions, ValidatorOptionNames> | Pick<DirectRedisOptions, ValidatorOptionNames>;

/** Direct mode without HTTP: for a proxy's auth hook, a WebSocket upgrade, a job runner. */
export interface DirectValidator {
  /**
   * The verdict on a token (`{ valid: true, session }` or `{ valid: false, code }`, the codes of the
   * middleware's 401s). Rejects when Redis cannot answer (the error's `code` is `store_unavailable`).
   */
  validate(token: string): Promise<Verdict>;
  /** Resolves once a Redis client it built is connected; rejects after `timeoutMs` (default 5000). */
  ready(timeoutMs?: number): Promise<void>;
  /** Ends what it built (its Redis client, the session cache's connections); idempotent. */
  close(): Promise<void>;
  /** What the session cache has done, or undefined when it is off. */
  sessionCache(): SessionCacheStats | undefined;
}

/** The validator behind direct mode's requireSession, with the same options and the same answers. */
export function createDirectValidator(options: DirectValidatorOptions): DirectValidator {
  const common = resolveCommon(options);
  const validator = buildDirectValidator(options, common.touch, common.onError);
  let closing: Promise<void> | undefined;
  return {
    validate: (token) => validator.validate(token),
    ready: (timeoutMs = 5000) => validator.ready(timeoutMs),
    close: () => (closing ??= validator.close()),
    sessionCache: () => validator.sessionCache(),
  };
}
