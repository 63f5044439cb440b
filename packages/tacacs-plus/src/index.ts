// Public API of @sessiond/tacacs-plus: an explicit list (style.md: no `export *`).

// Wire constants (RFC 8907)
export {
  AcctFlag,
  AcctStatus,
  AuthenAction,
  AuthenContinueFlag,
  AuthenMethod,
  AuthenReplyFlag,
  AuthenService,
  AuthenStatus,
  AuthenType,
  AuthorStatus,
  CHAP_ID_LENGTH,
  CHAP_RESPONSE_LENGTH,
  DEFAULT_MAX_BODY_LENGTH,
  DEFAULT_PORT,
  HEADER_LENGTH,
  HeaderFlag,
  PacketType,
  Version,
} from './constants';

// Codec (pure)
export { decodeHeader, encodeHeader, type PacketHeader } from './header';
export { obfuscate, pseudoPad, type PadInput } from './obfuscation';
export { serializePacket, type PacketFields } from './serializer';
export { PacketParser, type ParserOptions } from './parser';
export { decodePacketBody, isUnencrypted, revealBody, type RawPacket } from './packet';
export {
  decodeAuthenStart,
  encodeAuthenStart,
  type AuthenStart,
  type AuthenStartInput,
} from './bodies/authen-start';
export {
  decodeAuthenReply,
  encodeAuthenReply,
  type AuthenReply,
  type AuthenReplyInput,
} from './bodies/authen-reply';
export {
  decodeAuthenContinue,
  encodeAuthenContinue,
  type AuthenContinue,
  type AuthenContinueInput,
} from './bodies/authen-continue';
export {
  decodeAuthorRequest,
  encodeAuthorRequest,
  type AuthorRequest,
  type AuthorRequestInput,
} from './bodies/author-request';
export {
  decodeAuthorResponse,
  encodeAuthorResponse,
  type AuthorResponse,
  type AuthorResponseInput,
} from './bodies/author-response';
export {
  decodeAcctRequest,
  encodeAcctRequest,
  type AcctRequest,
  type AcctRequestInput,
} from './bodies/acct-request';
export { decodeAcctReply, encodeAcctReply, type AcctReply, type AcctReplyInput } from './bodies/acct-reply';

// Errors
export {
  TacacsClientClosedError,
  TacacsConfigError,
  TacacsConnectionError,
  TacacsError,
  TacacsFieldTooLongError,
  TacacsKeyMismatchError,
  TacacsProtocolError,
  TacacsServerError,
  TacacsTimeoutError,
  TacacsTlsError,
  TacacsUnavailableError,
  type ConnectionFailure,
  type ProtocolErrorReason,
  type TacacsFailureCause,
  type TacacsServerFailure,
  type TimeoutPhase,
  type TlsFailure,
  type UnavailableReason,
} from './errors';

// Client
export {
  TacacsClient,
  type AccountingRequest,
  type AuthenticateRequest,
  type AuthorizeCommandRequest,
  type AuthorizeRequest,
  type CommandAccountingRequest,
} from './client/tacacs-client';
export { COMMAND_LIMITS, CR_TOKEN, parseCommand, type ParsedCommand } from './client/command';
export {
  DEFAULTS as CLIENT_DEFAULTS,
  type TacacsClientOptions,
  type TacacsServerConfig,
} from './client/options';
export type {
  AccountingResult,
  AuthenticationResult,
  AuthorizationPass,
  AuthorizationResult,
  TacacsFail,
  TacacsPassBase,
  TacacsUnavailable,
} from './client/results';
export type { EventError, TacacsClientEvent, TacacsOperation } from './client/events';
export type { TacacsServerStats } from './client/stats';
export type { AuthenTypeName } from './client/authenticate-flow';
export type { AcctFlagName } from './client/accounting-flow';
export { privLevelOf } from './client/authorize-flow';
export { tcpTransport, type TacacsTransport, type TransportTarget } from './client/transport';
export {
  MIN_PSK_LENGTH,
  TLS_DEFAULT_PORT,
  tlsTransport,
  type TlsPsk,
  type TlsTransportOptions,
} from './client/tls-transport';
export { tlsTransportFromFiles, type TlsTransportFiles } from './client/tls-files';
