import { InvalidOptionsError } from '../errors';
import { SessionClient } from '../session-client';
import type { RequireSessionOptions } from './options';

/**
 * The SessionClient a RequireSessionOptions describes (given, or built from its options), which
 * introspects tokens and authorizes a required command; errors name the option.
 */
export function buildIntrospectionClient(options: RequireSessionOptions): SessionClient {
  const mode: unknown = options.mode;
  if (mode === 'direct') {
    // Direct mode loads ioredis, so it has an entry point of its own (the main one never loads it).
    throw new InvalidOptionsError(
      'mode',
      "direct mode is requireSession from '@sessiond/client/direct' (with @sessiond/session-store installed)",
    );
  }
  if (mode !== 'introspection') throw new InvalidOptionsError('mode', "must be 'introspection'");
  if (options.client !== undefined) {
    if (!(options.client instanceof SessionClient)) {
      throw new InvalidOptionsError('client', 'must be a SessionClient');
    }
    if (!options.client.canIntrospect) {
      throw new InvalidOptionsError('client', 'the SessionClient needs clientId and clientSecret');
    }
    return options.client;
  }
  if (options.clientId === undefined || options.clientSecret === undefined) {
    throw new InvalidOptionsError(
      options.clientId === undefined ? 'clientId' : 'clientSecret',
      'introspection mode needs clientId and clientSecret (or a client)',
    );
  }
  return new SessionClient(options);
}
