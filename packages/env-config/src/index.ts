export { deepFreeze, parseEnv, type ParsedEnv } from './parse-env';
export {
  envBool,
  envHostPorts,
  envInt,
  parseHostPort,
  sessionStoreEnv,
  sessionStoreSettings,
  type HostPort,
  type SessionStoreSettings,
} from './parsers';
