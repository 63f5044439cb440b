import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import type { UsersDatabase } from '@sessiond/passwords';
import { DEFAULT_MAX_BODY_LENGTH, TacacsConfigError } from '@sessiond/tacacs-plus';
import { AccountingLog, type AccountingRecord } from './accounting-log';
import type { CommandRules } from './command-rules';
import type { TacacsFault } from './faults';
import type { RequestKind, RequestLogEntry } from './handler-types';
import { ServerConnection, type SingleConnectMode } from './server-connection';
import { createTlsListener, type TacacsServerTlsOptions } from './tls-listener';
import { loadServerUsersFile, parseServerUsers, type ServerUsers } from './users-document';

export interface TacacsServerOptions {
  /** Shared secret; empty only with `unencrypted: true`. Not used (nor needed) with `tls`. */
  readonly key?: string;
  /**
   * Serve TACACS+ over TLS 1.3 (RFC 9887): TLS 1.3 only, no obfuscation; every request must carry the
   * UNENCRYPTED flag (others get an ERROR reply and the session ends) and every reply carries it.
   */
  readonly tls?: TacacsServerTlsOptions;
  /**
   * Parsed users, a users document (`{ users: [...] }`), or the path of a users file (read on listen).
   * In a document or file, a user may carry command rules: `"commands": { "permit": [..], "deny": [..] }`.
   */
  readonly users: UsersDatabase | { readonly users: readonly unknown[] } | string;
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** Default 0 (the kernel picks a free port). */
  readonly port?: number;
  /** JSON-lines file that accounting records are appended to. */
  readonly accountingFile?: string;
  /** Accept single-connect when a client asks (default true); false refuses it. */
  readonly singleConnect?: boolean;
  /**
   * How single-connect connections carry sessions (default `multiplex`, RFC 8907 §4.3); `tac-plus`
   * behaves like facebook's tac_plus with `-S`: one session at a time, and the connection stays open
   * after a session only if its last packet carried the single-connect flag (server-connection.ts).
   */
  readonly singleConnectMode?: SingleConnectMode;
  /** Close a connection idle this long, in ms (default 60000). */
  readonly idleTimeoutMs?: number;
  readonly maxBodyLength?: number;
  /** Allows an empty key (packets with the UNENCRYPTED flag). Default false. */
  readonly unencrypted?: boolean;
  /** One call per finished request: user, kind, result; never a password or key. */
  readonly onRequest?: (entry: RequestLogEntry) => void;
  /** Initial fault mode. */
  readonly fault?: TacacsFault;
}

export interface TacacsServerStats {
  readonly connectionsAccepted: number;
  readonly connectionsOpen: number;
  /** Sessions started, per kind. */
  readonly requests: Readonly<Record<RequestKind, number>>;
  /** Finished requests by result (pass, fail, error, abort, fault-…). */
  readonly results: Readonly<Record<string, number>>;
  readonly accountingRecords: number;
  /** TLS handshakes that failed (TLS 1.2 clients, unverified client certificates…). */
  readonly tlsHandshakeFailures: number;
}

function isDatabase(users: TacacsServerOptions['users']): users is UsersDatabase {
  return typeof users === 'object' && users.users instanceof Map;
}

/**
 * A small RFC 8907 TACACS+ server for tests and the local stack: PAP / ASCII / CHAP, authorization
 * returning priv-lvl, accounting to a JSON-lines file, single-connect, and switchable fault modes.
 */
export class TacacsServer {
  private server: Server | undefined;
  // Kept after close(), so a test can restart a server on the same port.
  private bound: AddressInfo | undefined;
  private users: UsersDatabase | undefined;
  private commands: ReadonlyMap<string, CommandRules> = new Map();
  private fault: TacacsFault | undefined;
  private readonly key: Buffer;
  private readonly connections = new Set<ServerConnection>();
  private readonly accountingLog: AccountingLog | undefined;
  private readonly counters = {
    connectionsAccepted: 0,
    requests: { authentication: 0, authorization: 0, accounting: 0 },
    results: {} as Record<string, number>,
    accountingRecords: 0,
    tlsHandshakeFailures: 0,
  };

  constructor(private readonly options: TacacsServerOptions) {
    if (
      options.tls === undefined &&
      (typeof options.key !== 'string' || (options.key === '' && options.unencrypted !== true))
    ) {
      throw new TacacsConfigError('key must be a non-empty string (or set unencrypted: true, or tls)');
    }
    // RFC 9887 §4: no obfuscation over TLS, so no key.
    this.key = options.tls !== undefined ? Buffer.alloc(0) : Buffer.from(options.key ?? '', 'utf8');
    this.fault = options.fault;
    this.accountingLog =
      options.accountingFile !== undefined ? new AccountingLog(options.accountingFile) : undefined;
    if (isDatabase(options.users)) this.users = options.users;
    else if (typeof options.users !== 'string') this.useUsers(parseServerUsers(options.users));
  }

  /** Starts listening (and reads the users file when a path was given). */
  async listen(): Promise<void> {
    if (this.server !== undefined) throw new TacacsConfigError('the server is already listening');
    if (typeof this.options.users === 'string') {
      this.useUsers(await loadServerUsersFile(this.options.users));
    }
    const tls = this.options.tls;
    const server =
      tls !== undefined
        ? createTlsListener(
            tls,
            (socket) => this.accept(socket),
            () => (this.counters.tlsHandshakeFailures += 1),
          )
        : createServer((socket) => this.accept(socket));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port ?? 0, this.options.host ?? '127.0.0.1', () => {
        server.off('error', reject);
        this.bound = server.address() as AddressInfo;
        resolve();
      });
    });
  }

  /** The bound port (still readable after close()). */
  get port(): number {
    return this.addressInfo().port;
  }

  /** `host:port` as the client labels servers (results' `server`, stats, events). */
  get address(): string {
    const { address, port } = this.addressInfo();
    return `${address.includes(':') ? `[${address}]` : address}:${port}`;
  }

  /** Switches the fault mode for the next replies; undefined turns faults off. */
  setFault(fault: TacacsFault | undefined): void {
    this.fault = fault;
  }

  stats(): TacacsServerStats {
    return {
      connectionsAccepted: this.counters.connectionsAccepted,
      connectionsOpen: this.connections.size,
      requests: { ...this.counters.requests },
      results: { ...this.counters.results },
      accountingRecords: this.counters.accountingRecords,
      tlsHandshakeFailures: this.counters.tlsHandshakeFailures,
    };
  }

  /** Stops accepting, closes every connection, waits for pending accounting writes. */
  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const connection of this.connections) connection.destroy();
    if (server !== undefined) await new Promise<void>((resolve) => server.close(() => resolve()));
    await this.accountingLog?.flush();
  }

  private accept(socket: Socket): void {
    const users = this.users;
    if (users === undefined) {
      socket.destroy();
      return;
    }
    this.counters.connectionsAccepted += 1;
    const connection = new ServerConnection(socket, {
      key: this.key,
      tls: this.options.tls !== undefined,
      singleConnect: this.options.singleConnect ?? true,
      singleConnectMode: this.options.singleConnectMode ?? 'multiplex',
      idleTimeoutMs: this.options.idleTimeoutMs ?? 60_000,
      maxBodyLength: this.options.maxBodyLength ?? DEFAULT_MAX_BODY_LENGTH,
      context: {
        users,
        commands: this.commands,
        accountingLog: this.accountingLog,
        onAccounting: (_record: AccountingRecord) => (this.counters.accountingRecords += 1),
      },
      fault: () => this.fault,
      onRequest: (kind) => (this.counters.requests[kind] += 1),
      onResult: (entry) => {
        this.counters.results[entry.result] = (this.counters.results[entry.result] ?? 0) + 1;
        this.options.onRequest?.(entry);
      },
    });
    this.connections.add(connection);
    socket.on('close', () => this.connections.delete(connection));
  }

  private useUsers(parsed: ServerUsers): void {
    this.users = parsed.database;
    this.commands = parsed.commands;
  }

  private addressInfo(): AddressInfo {
    if (this.bound === undefined) throw new TacacsConfigError('the server has not listened yet');
    return this.bound;
  }
}
