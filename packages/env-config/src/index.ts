export { deepFreeze, parseEnv, type ParseEnvOptions, type ParsedEnv } from './parse-env';
export {
  envBool,
  envInt,
  sessionStoreEnv,
  sessionStoreSettings,
  type RedisSentinelSettings,
  type RedisTlsFiles,
  type SessionStoreSettings,
} from './parsers';
export { SESSION_STORE_SECRETS, sessionStoreProblems } from './redis-rules';
export {
  envHostPorts,
  envList,
  formatHostPort,
  parseHostPort,
  parseHostPortEntry,
  type EntryResult,
  type HostPort,
  type HostPortEntryOptions,
  type ListFormat,
} from './host-port';
export { envIpAddress, hostProblem } from './hosts';
export { envReadableFile, fileProblem } from './readable-file';
export { FILE_SUFFIX } from './secret-files';
export { editDistance, lookAlikeProblems, type NamePattern } from './look-alike';
export {
  TACACS_DEFAULT_PORT,
  TACACS_KEY_SECRETS,
  envTacacsServers,
  parseTacacsServerEntry,
  resolveTacacsServers,
  tacacsEnv,
  tacacsSecretVariable,
  type TacacsServer,
  type TacacsServerEntry,
} from './tacacs-servers';
export {
  TACACS_TLS_DEFAULT_PORT,
  resolveTacacsTls,
  tacacsTlsEnv,
  type TacacsTlsSettings,
} from './tacacs-tls';
