export { MissingBinaryError, findBinary } from './binaries';
export { track } from './child-registry';
export { freePort } from './free-port';
export { uniqueKeyPrefix } from './key-prefix';
export { ping } from './ping';
export { RedisCluster, type ClusterNode } from './redis-cluster';
export { redisForTests, type TestRedis } from './redis-for-tests';
export { RedisServer, type RedisServerOptions } from './redis-server';
export { sleep, waitFor } from './wait';
