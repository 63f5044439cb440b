export { MissingBinaryError, findBinary } from './binaries';
export { track } from './child-registry';
export { freePort } from './free-port';
export { uniqueKeyPrefix } from './key-prefix';
export { ping } from './ping';
export {
  ProxyProcess,
  startCaddy,
  startEchoUpstream,
  startNginx,
  type EchoUpstream,
  type EchoedRequest,
} from './proxies';
export { RedisCluster, type ClusterNode } from './redis-cluster';
export { redisTimeMs, untilRedisTime, type RedisClock } from './redis-clock';
export { pingWith, redisCommand, type RedisAccess } from './redis-probe';
export { parseInfo } from './redis-info';
export { RedisSentinelSet, type NodeAddress, type RedisSentinelSetOptions } from './redis-sentinel-set';
export { redisForTests, type TestRedis } from './redis-for-tests';
export { RedisServer, type RedisServerOptions } from './redis-server';
export {
  ALL_PERMISSIONS,
  SecureRedis,
  aclArgs,
  sessiondPermissions,
  clientTls,
  tlsServerArgs,
  type RedisUser,
  type SecureRedisOptions,
} from './secure-redis';
export { SENTINEL_CLIENT_ACL } from './sentinel-config';
export { SentinelProcess } from './sentinel-process';
export { startSilentServer, type SilentServer } from './silent-server';
export { createTestCertificates, type TestCertificates } from './tls-certificates';
export { sleep, waitFor } from './wait';
