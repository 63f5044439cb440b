// Public API of @sessiond/tacacs-server: an explicit list (style.md: no `export *`).

export {
  TacacsServer,
  type TacacsServerOptions,
  type TacacsServerStats as TacacsServerCounters,
} from './server/tacacs-server';
export type { TacacsFault, TacacsFaultType } from './server/faults';
export { tlsServerOptions, type TacacsServerTlsOptions } from './server/tls-listener';
export type { RequestKind, RequestLogEntry } from './server/handler-types';
export type { AccountingRecord } from './server/accounting-log';

// Testing helpers (fault-injecting fake server for cases the real server cannot produce)
export { ScriptedTacacsServer, type ScriptAction, type ScriptedRequest } from './testing/scripted-server';
