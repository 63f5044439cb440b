import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import type { Config } from './config';

/** Listens with HTTPS when TLS_CERT_FILE and TLS_KEY_FILE are set (the seed's API is HTTPS-only), else HTTP. */
export function listen(app: Express, config: Config): Promise<Server> {
  const server = config.tls
    ? createHttpsServer(
        { cert: readFileSync(config.tls.certFile), key: readFileSync(config.tls.keyFile) },
        app,
      )
    : createHttpServer(app);
  // Slowloris guard: a client gets this long to send its headers.
  server.headersTimeout = 10_000;
  server.requestTimeout = 60_000;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}

export function addressOf(server: Server): string {
  const address = server.address() as AddressInfo;
  return `${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
}

/**
 * Stops accepting connections and resolves when the in-flight requests have been answered; idle
 * keep-alive connections are closed at once, and whatever still runs after `timeoutMs` is cut.
 */
export function drain(server: Server, timeoutMs: number): Promise<'drained' | 'timed out'> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      server.closeAllConnections();
      resolve('timed out');
    }, timeoutMs);
    timer.unref();
    server.close(() => {
      clearTimeout(timer);
      resolve('drained');
    });
    server.closeIdleConnections();
  });
}
