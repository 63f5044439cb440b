export { deepFreeze, parseEnv, type ParsedEnv } from './parse-env';
export { envBool, envHostPorts, envInt, parseHostPort, sessionStoreEnv, type HostPort } from './parsers';
