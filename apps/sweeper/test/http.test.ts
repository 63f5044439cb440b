import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { RedisServer, uniqueKeyPrefix, waitFor } from '@sessiond/test-utils';
import request from 'supertest';
import { closeServer, createHttpServer, listen } from '../src/http-server';
import { totalDue } from '../src/sweeper';
import { createSessions, openStore, startSweeper, type TestSweeper } from './support/harness';

/** One sample of a metric in Prometheus text, or undefined. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('/healthz and /metrics', () => {
  let redis: RedisServer;
  let sweeper: TestSweeper;
  let server: Server;
  let closeSetup: () => Promise<void>;

  beforeAll(async () => {
    // Its own Redis: the last test stops it.
    redis = await RedisServer.start();
    const prefix = uniqueKeyPrefix('http');
    const setup = await openStore({ url: redis.url }, prefix);
    closeSetup = setup.close;
    await createSessions(setup.store, 300, { policy: { idleTimeoutMs: 100 } });
    await waitFor(async () => (await totalDue(setup.store)) === 300, { message: 'every session to be due' });
    sweeper = await startSweeper({ url: redis.url }, { keyPrefix: prefix, start: false });
    server = createHttpServer({ registry: sweeper.metrics.registry, health: () => sweeper.sweeper.health() });
    const address: AddressInfo = await listen(server, 0, '127.0.0.1');
    expect(address.port).toBeGreaterThan(0);
  });

  afterAll(async () => {
    await closeServer(server);
    await sweeper.close();
    await closeSetup();
    await redis.destroy();
  });

  it('reports unhealthy before the workers run, with the backlog of due users', async () => {
    const health = await request(server).get('/healthz');
    expect(health.status).toBe(503);
    expect(health.body).toEqual({ status: 'unavailable', problems: ['worker_not_running'] });
    const metrics = await request(server).get('/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.headers['content-type']).toContain('text/plain');
    expect(sample(metrics.text, 'sessiond_sweeper_backlog_users')).toBe(300);
    expect(metrics.text).toContain('# HELP sessiond_sweeper_backlog_users Users with at least one session');
  });

  it('reports healthy while sweeping, and the sweep in its metrics', async () => {
    const startedAt = Date.now();
    await sweeper.sweeper.start();
    await waitFor(() => sweeper.expiredIds().length >= 300, { message: '300 expiries' });
    const health = await request(server).get('/healthz');
    expect(health.status).toBe(200);
    expect(health.body).toEqual({ status: 'ok', problems: [] });

    const { text } = await request(server).get('/metrics');
    expect(sample(text, 'sessiond_sweeper_sessions_swept_total{reason="idle"}')).toBe(300);
    expect(sample(text, 'sessiond_sweeper_backlog_users')).toBe(0);
    expect(sample(text, 'sessiond_sweeper_sweep_duration_seconds_count')).toBeGreaterThan(0);
    // Set by a bucket job of this run: between its start and now (whole seconds may be rounded down).
    const last = sample(text, 'sessiond_sweeper_last_success_timestamp_seconds') ?? 0;
    expect(last).toBeGreaterThanOrEqual(Math.floor(startedAt / 1000));
    expect(last).toBeLessThanOrEqual(Date.now() / 1000);
    expect(text).toContain('sessiond_sweeper_lost_users_total 0');
    expect(text).toContain('sessiond_sweeper_process_cpu_seconds_total');
  });

  it('answers 404 for other paths and 405 for other methods', async () => {
    expect((await request(server).get('/')).status).toBe(404);
    const post = await request(server).post('/metrics');
    expect(post.status).toBe(405);
    expect(post.headers['allow']).toBe('GET, HEAD');
    expect((await request(server).head('/healthz')).status).toBe(200);
  });

  it('reports unhealthy while Redis is down, and healthy again once it is back', async () => {
    await redis.stop();
    try {
      const health = await request(server).get('/healthz');
      expect(health.status).toBe(503);
      expect(health.body).toEqual({ status: 'unavailable', problems: ['redis_unavailable'] });
      // Metrics still answer: the backlog keeps its last value.
      const metrics = await request(server).get('/metrics');
      expect(metrics.status).toBe(200);
      expect(sample(metrics.text, 'sessiond_sweeper_backlog_users')).toBe(0);
    } finally {
      await redis.resume();
    }
    await waitFor(async () => (await request(server).get('/healthz')).status === 200, {
      message: 'healthy again',
    });
  });
});
