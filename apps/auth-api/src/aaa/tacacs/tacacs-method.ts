import {
  TacacsClient,
  TacacsConnectionError,
  TacacsFieldTooLongError,
  TacacsKeyMismatchError,
  TacacsProtocolError,
  TacacsServerError,
  TacacsTimeoutError,
  TacacsTlsError,
  tlsTransportFromFiles,
  type TacacsClientEvent,
  type TacacsServerFailure,
  type TacacsUnavailable,
} from '@sessiond/tacacs-plus';
import type { Logger } from '../../logger';
import type { Metrics } from '../../metrics';
import type {
  AaaMethod,
  AaaOutcome,
  AaaRequest,
  AaaSourceActivity,
  AaaSourceState,
  AaaStep,
  AaaUnavailable,
  UnavailableStatus,
} from '../types';
import type { TacacsSettings } from './settings';
import { TacacsCommands } from './tacacs-commands';
import { TacacsServerActivity } from './server-activity';
import { TacacsServerStates } from './server-states';

/** The method's name in sessions, introspection and problems. */
export const TACACS_METHOD_NAME = 'tacacs+';

const STATUS: Record<TacacsUnavailable['reason'], UnavailableStatus> = {
  timeout: 'timeout',
  unreachable: 'unreachable',
  error: 'error',
  'key-mismatch': 'misconfigured',
  tls: 'misconfigured',
};

/**
 * TACACS+ authentication (PAP, ASCII or CHAP) followed, when TACACS_AUTHORIZATION is on, by exec
 * authorization for the user's priv-lvl. FAIL is final (no retry, no failover: the client enforces
 * it). A user authorization refuses gets priv-lvl 0, so the HTTP layer answers 403, not 401. While
 * every server is held down the method answers `unavailable` at once, without a connection.
 */
export class TacacsMethod implements AaaMethod {
  readonly name = TACACS_METHOD_NAME;
  readonly client: TacacsClient;
  /** Command authorization and accounting (POST /authorize), on the same client and servers. */
  readonly commands: TacacsCommands;
  private readonly serverStates: TacacsServerStates;
  private readonly serverActivity: TacacsServerActivity;

  constructor(
    private readonly settings: TacacsSettings,
    metrics: Metrics,
    logger: Logger,
  ) {
    const labels = settings.servers.map(({ host, port }) => label(host, port));
    this.serverStates = new TacacsServerStates(labels, logger);
    this.serverActivity = new TacacsServerActivity(labels);
    this.client = new TacacsClient({
      servers: settings.servers.map(({ host, port, key }) => ({
        host,
        port,
        ...(settings.tls === undefined ? { key } : {}),
        connectTimeoutMs: settings.timeoutMs,
        readTimeoutMs: settings.timeoutMs,
        singleConnect: settings.singleConnect,
        ...(settings.sourceAddress !== undefined ? { localAddress: settings.sourceAddress } : {}),
      })),
      retries: settings.retries,
      maxConnections: settings.singleConnectPool,
      holdDownMs: settings.holdDownMs,
      // RFC 9887: TLS 1.3, the certificates read once here; no shared key.
      ...(settings.tls !== undefined ? { transport: tlsTransportFromFiles(settings.tls) } : {}),
      onEvent: (event) => {
        this.serverStates.observe(event);
        this.serverActivity.observe(event);
        record(event, metrics);
      },
    });
    this.commands = new TacacsCommands(this.name, this.client, settings, (result) =>
      this.unavailable(result, []),
    );
  }

  async authenticate(request: AaaRequest): Promise<AaaOutcome> {
    try {
      return await this.exchange(request);
    } catch (error) {
      // TACACS+ fields hold at most 255 bytes (RFC 8907 §5.1): no user of the server can have
      // credentials that long, so they are refused like any other wrong password.
      if (error instanceof TacacsFieldTooLongError) return { kind: 'reject', method: this.name, steps: [] };
      throw error;
    }
  }

  private async exchange({ username, password, remAddr, signal }: AaaRequest): Promise<AaaOutcome> {
    const { authType, authorization, portName } = this.settings;
    const started = performance.now();
    const authen = await this.client.authenticate({
      username,
      password,
      type: authType,
      remAddr,
      port: portName,
      signal,
    });
    if (authen.status === 'unavailable') return this.unavailable(authen, []);
    const authenStep = this.step(authen.server, authen.status === 'pass' ? 'pass' : 'reject', started);
    if (authen.status === 'fail')
      return { kind: 'reject', method: this.name, server: authen.server, steps: [authenStep] };
    // Without authorization nobody tells us a privilege level: authentication alone grants access.
    if (!authorization)
      return { kind: 'pass', method: this.name, privLvl: 15, server: authen.server, steps: [authenStep] };
    const authorStarted = performance.now();
    const author = await this.client.authorize({
      username,
      remAddr,
      port: portName,
      authenType: authType,
      signal,
    });
    if (author.status === 'unavailable') return this.unavailable(author, [authenStep]);
    const privLvl = author.status === 'pass' ? author.privLvl : 0;
    const authorStep = this.step(author.server, author.status === 'pass' ? 'pass' : 'reject', authorStarted);
    return {
      kind: 'pass',
      method: this.name,
      privLvl,
      server: author.server,
      steps: [authenStep, authorStep],
    };
  }

  states(): readonly AaaSourceState[] {
    return this.serverStates.states();
  }

  activity(): ReadonlyMap<string, AaaSourceActivity> {
    return this.serverActivity.activity();
  }

  close(): Promise<void> {
    return this.client.close();
  }

  private step(server: string, result: 'pass' | 'reject', started: number): AaaStep {
    return { method: this.name, server, result, ms: round(performance.now() - started) };
  }

  private unavailable(result: TacacsUnavailable, before: readonly AaaStep[]): AaaUnavailable {
    const steps: AaaStep[] = [
      ...before,
      ...result.error.causes.map(({ server, attempt, error }) => ({
        method: this.name,
        server,
        attempt,
        result: whyOf(error),
      })),
      ...result.skipped.map((server) => ({ method: this.name, server, result: 'held-down' as const })),
    ];
    return {
      kind: 'unavailable',
      method: this.name,
      status: STATUS[result.reason],
      ...(result.reason === 'tls' ? { misconfiguration: 'tls' as const } : {}),
      serversTried: result.serversTried,
      attempts: result.attempts,
      retryAt: result.retryAt,
      heldDown: result.serversTried === 0 && result.skipped.length > 0,
      steps,
    };
  }
}

/** Why one attempt failed, in the audit record's words. */
function whyOf(error: TacacsServerFailure): AaaStep['result'] {
  if (error instanceof TacacsTimeoutError) return error.phase === 'deadline' ? 'deadline' : 'timeout';
  if (error instanceof TacacsKeyMismatchError) return 'key-mismatch';
  if (error instanceof TacacsTlsError) return 'tls-error';
  if (error instanceof TacacsServerError) return 'server-error';
  if (error instanceof TacacsProtocolError) return 'protocol-error';
  if (error instanceof TacacsConnectionError) {
    if (error.reason === 'refused') return 'refused';
    if (error.reason === 'unreachable') return 'unreachable';
    return 'reset';
  }
  return 'unreachable';
}

function record(event: TacacsClientEvent, metrics: Metrics): void {
  switch (event.type) {
    case 'attempt':
      metrics.aaaLatency.observe(
        { method: TACACS_METHOD_NAME, server: event.server, outcome: event.outcome },
        event.latencyMs / 1000,
      );
      break;
    case 'retry':
      metrics.tacacsRetries.inc({ server: event.server });
      break;
    case 'failover':
      metrics.tacacsFailovers.inc({ from: event.from, to: event.to });
      break;
    case 'all-held-down':
      metrics.aaaSkipped.inc({ method: TACACS_METHOD_NAME });
      break;
    case 'hold-down':
    case 'probe':
    case 'recovered':
    case 'weak-key':
    case 'connection-opened':
    case 'single-connect-unsupported':
      break; // logged by TacacsServerStates
  }
}

export function label(host: string, port: number): string {
  return `${host.includes(':') ? `[${host}]` : host}:${port}`;
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
