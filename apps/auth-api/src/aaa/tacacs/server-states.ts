import type { TacacsClientEvent } from '@sessiond/tacacs-plus';
import type { Logger } from '../../logger';
import type { AaaSourceState } from '../types';

type State = AaaSourceState['state'];

interface ServerState {
  state: State;
  since: number | undefined;
  until: number | undefined;
  detail: string | undefined;
}

/**
 * What auth-api knows of each TACACS+ server, from the client's events: /readyz shows it, and each
 * change is logged once (not per login): a server held down (warn), its hold-down ending and the probe
 * (info), a server back (info), a key mismatch (warn) and the key matching again (info). A login
 * that meets a held-down server writes its own audit line; these lines say when the state changed.
 */
export class TacacsServerStates {
  private readonly servers = new Map<string, ServerState>();

  constructor(
    labels: readonly string[],
    private readonly logger: Logger,
  ) {
    for (const label of labels)
      this.servers.set(label, { state: 'unknown', since: undefined, until: undefined, detail: undefined });
  }

  observe(event: TacacsClientEvent): void {
    switch (event.type) {
      case 'attempt':
        if (event.outcome !== 'error') this.change(event.server, 'up', undefined, undefined);
        else if (event.error?.code === 'TACACS_KEY_MISMATCH')
          this.change(event.server, 'key-mismatch', undefined, 'replies cannot be decrypted');
        else if (event.error?.code === 'TACACS_TLS') this.tlsFailed(event.server, event.error.message);
        else this.touch(event.server, event.error?.code);
        break;
      case 'hold-down':
        this.change(event.server, 'held-down', event.until, `${event.reason}; skipped until the probe`);
        break;
      case 'probe':
        this.logger.info(
          { event: 'tacacs.probe', server: event.server },
          `TACACS+ server ${event.server}: hold-down over, one login probes it`,
        );
        break;
      case 'recovered':
        this.logger.info(
          { event: 'tacacs.recovered', server: event.server, down_ms: Math.round(event.downForMs) },
          `TACACS+ server ${event.server} answers again after ${Math.round(event.downForMs / 1000)} s`,
        );
        break;
      case 'weak-key':
        this.logger.warn(
          { event: 'tacacs.weak-key', server: event.server, key_length: event.keyLength },
          `TACACS+ server ${event.server}: the shared key has ${event.keyLength} characters; use at least 16`,
        );
        break;
      case 'single-connect-unsupported':
        // The client emits this once per server; logins keep working, one connection each.
        this.logger.warn(
          { event: 'tacacs.single-connect-unsupported', server: event.server, reason: event.reason },
          event.reason === 'declined'
            ? `TACACS+ server ${event.server} declined single-connect (TACACS_SINGLE_CONNECT=true): using one connection per session for it`
            : `TACACS+ server ${event.server} agreed to single-connect but closes the connection after each session: using one connection per session for it`,
        );
        break;
      case 'retry':
      case 'failover':
      case 'all-held-down':
      case 'connection-opened':
        break;
    }
  }

  states(): AaaSourceState[] {
    return [...this.servers.entries()].map(([source, s]) => ({
      source,
      state: s.state,
      ...(s.since !== undefined ? { since: new Date(s.since).toISOString() } : {}),
      ...(s.until !== undefined ? { until: new Date(s.until).toISOString() } : {}),
      ...(s.detail !== undefined ? { detail: s.detail } : {}),
    }));
  }

  private change(server: string, state: State, until: number | undefined, detail: string | undefined): void {
    const current = this.servers.get(server);
    if (current === undefined) return;
    const previous = current.state;
    current.until = until;
    current.detail = detail;
    if (previous === state) return;
    current.state = state;
    current.since = Date.now();
    if (state === 'held-down') {
      this.logger.warn(
        { event: 'tacacs.held-down', server, until: new Date(until ?? 0).toISOString(), why: detail },
        `TACACS+ server ${server} is down (${detail ?? ''}); logins skip it until ${new Date(until ?? 0).toISOString()}`,
      );
    } else if (state === 'key-mismatch') {
      this.logger.warn(
        { event: 'tacacs.key-mismatch', server },
        `TACACS+ server ${server}: its replies cannot be decrypted; its key differs from TACACS_SECRET (or the server's own key)`,
      );
    } else if (state === 'up' && previous === 'key-mismatch') {
      this.logger.info({ event: 'tacacs.key-ok', server }, `TACACS+ server ${server}: the key matches again`);
    }
  }

  /** TLS handshake failed (RFC 9887): shown in /readyz, logged once per server until it changes. */
  private tlsFailed(server: string, message: string): void {
    const current = this.servers.get(server);
    if (current === undefined) return;
    const first = current.state !== 'down' || current.detail !== message;
    this.touch(server, message);
    if (first) {
      this.logger.warn(
        { event: 'tacacs.tls-failed', server },
        `TACACS+ server ${server}: ${message}; check TACACS_TLS_CA_FILE, TACACS_TLS_SERVERNAME and the client certificate`,
      );
    }
  }

  /** A failure that does not change the state (ERROR, garbage): shown in /readyz only. */
  private touch(server: string, code: string | undefined): void {
    const current = this.servers.get(server);
    if (current === undefined || current.state === 'held-down') return;
    if (current.state !== 'down') {
      current.state = 'down';
      current.since = Date.now();
    }
    current.detail = code;
  }
}
