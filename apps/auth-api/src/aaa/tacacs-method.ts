import { TacacsClient, TacacsFieldTooLongError, type TacacsClientEvent } from '@sessiond/tacacs-plus';
import type { Config } from '../config';
import type { Metrics } from '../metrics';
import type { AaaMethod, AaaOutcome, AaaRequest, AaaSourceState, UnavailableStatus } from './types';

/** The `port` field of TACACS+ requests: which service the user logs in to. */
export const TACACS_PORT_NAME = 'sessiond';

const STATUS: Record<'timeout' | 'unreachable' | 'error' | 'key-mismatch', UnavailableStatus> = {
  timeout: 'timeout',
  unreachable: 'unreachable',
  error: 'error',
  'key-mismatch': 'misconfigured',
};

/**
 * TACACS+ authentication (PAP, ASCII or CHAP) followed, when TACACS_AUTHORIZATION is on, by exec
 * authorization for the user's priv-lvl. FAIL is final (no retry, no failover: the client enforces
 * it). A user authorization refuses gets priv-lvl 0, so the HTTP layer answers 403, not 401.
 */
export class TacacsMethod implements AaaMethod {
  readonly name = 'tacacs+' as const;
  readonly client: TacacsClient;
  private readonly serverStates = new Map<string, AaaSourceState>();

  constructor(
    private readonly config: Config,
    metrics: Metrics,
  ) {
    const { tacacs, aaa } = config;
    for (const { host, port } of tacacs.servers)
      this.serverStates.set(label(host, port), { source: label(host, port), state: 'unknown' });
    this.client = new TacacsClient({
      servers: tacacs.servers.map(({ host, port }) => ({
        host,
        port,
        key: tacacs.secret,
        connectTimeoutMs: aaa.timeoutMs,
        readTimeoutMs: aaa.timeoutMs,
        singleConnect: tacacs.singleConnect,
      })),
      retries: aaa.retries,
      holdDownMs: tacacs.holdDownMs,
      onEvent: (event) => this.observe(event, metrics),
    });
  }

  async authenticate(request: AaaRequest): Promise<AaaOutcome> {
    try {
      return await this.exchange(request);
    } catch (error) {
      // TACACS+ fields hold at most 255 bytes (RFC 8907 §5.1): no user of the server can have
      // credentials that long, so they are refused like any other wrong password.
      if (error instanceof TacacsFieldTooLongError) return { kind: 'reject', method: 'tacacs+' };
      throw error;
    }
  }

  private async exchange({ username, password, remAddr, signal }: AaaRequest): Promise<AaaOutcome> {
    const { authType, authorization } = this.config.tacacs;
    const authen = await this.client.authenticate({
      username,
      password,
      type: authType,
      remAddr,
      port: TACACS_PORT_NAME,
      signal,
    });
    if (authen.status === 'unavailable') return this.unavailable(authen);
    if (authen.status === 'fail') return { kind: 'reject', method: 'tacacs+', server: authen.server };
    // Without authorization nobody tells us a privilege level: authentication alone grants access.
    if (!authorization) return { kind: 'pass', method: 'tacacs+', privLvl: 15, server: authen.server };
    const author = await this.client.authorize({
      username,
      remAddr,
      port: TACACS_PORT_NAME,
      authenType: authType,
      signal,
    });
    if (author.status === 'unavailable') return this.unavailable(author);
    const privLvl = author.status === 'pass' ? author.privLvl : 0;
    return { kind: 'pass', method: 'tacacs+', privLvl, server: author.server };
  }

  states(): readonly AaaSourceState[] {
    return [...this.serverStates.values()];
  }

  close(): Promise<void> {
    return this.client.close();
  }

  private unavailable(result: {
    reason: keyof typeof STATUS;
    serversTried: number;
    attempts: number;
  }): AaaOutcome {
    return {
      kind: 'unavailable',
      method: 'tacacs+',
      status: STATUS[result.reason],
      serversTried: result.serversTried,
      attempts: result.attempts,
    };
  }

  private observe(event: TacacsClientEvent, metrics: Metrics): void {
    const now = new Date().toISOString();
    switch (event.type) {
      case 'attempt':
        metrics.aaaLatency.observe(
          { method: 'tacacs+', server: event.server, outcome: event.outcome },
          event.latencyMs / 1000,
        );
        this.serverStates.set(event.server, {
          source: event.server,
          state: event.outcome === 'error' ? 'down' : 'up',
          since: now,
          ...(event.error !== undefined ? { detail: event.error.code } : {}),
        });
        break;
      case 'retry':
        metrics.tacacsRetries.inc({ server: event.server });
        break;
      case 'failover':
        metrics.tacacsFailovers.inc({ from: event.from, to: event.to });
        break;
      case 'hold-down':
        this.serverStates.set(event.server, {
          source: event.server,
          state: 'held-down',
          since: now,
          detail: `skipped until ${new Date(event.until).toISOString()}`,
        });
        break;
      case 'all-held-down':
      case 'weak-key':
      case 'connection-opened':
        break;
    }
  }
}

function label(host: string, port: number): string {
  return `${host.includes(':') ? `[${host}]` : host}:${port}`;
}
