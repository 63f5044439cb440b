import { SentinelConnector } from 'ioredis';

type SentinelOptions = ConstructorParameters<typeof SentinelConnector>[0];
type ConnectArgs = Parameters<SentinelConnector['connect']>;
type ConnectResult = Awaited<ReturnType<SentinelConnector['connect']>>;

/** The part of ioredis's SentinelConnector internals this fix reaches for (private in its types). */
interface WithFailoverDetector {
  failoverDetector: { cleanup(): void } | null;
}

/**
 * ioredis's SentinelConnector, with its failover detector's Sentinel subscriptions (`+switch-master`)
 * ending with the connection they watch. ioredis 5 ends them on `disconnect()` and on a failover,
 * but not when `quit()` closes the connection (redis/ioredis#1362, fixed upstream in #2198): a client
 * that quit, and each BullMQ duplicate of it, kept reconnecting to the Sentinels every second for
 * ever, and kept its process alive. The next connection subscribes afresh (initFailoverDetector), so
 * ending them on every close loses nothing. Given as `Connector`, it is copied by `duplicate()`.
 */
export class ClosingSentinelConnector extends SentinelConnector {
  // ioredis hands a Connector its whole options object (RedisOptions' `Connector` takes `unknown`).
  constructor(options: unknown) {
    super(options as SentinelOptions);
  }

  override async connect(...args: ConnectArgs): Promise<ConnectResult> {
    const stream = await super.connect(...args);
    stream.once('close', () => {
      // The detector of this connection is created on its connect event, before any close.
      (this as unknown as WithFailoverDetector).failoverDetector?.cleanup();
    });
    return stream;
  }
}
