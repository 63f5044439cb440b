import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { problemBody } from '@sessiond/protocol';
import type { Handler } from './app';
import type { Config } from './config';

/** Listens with HTTPS when TLS_CERT_FILE and TLS_KEY_FILE are set (the seed's API is HTTPS-only), else HTTP. */
export function listen(
  handler: Handler,
  config: Pick<Config, 'tls'>,
  where: { readonly port: number; readonly host: string },
): Promise<Server> {
  const server = config.tls
    ? createHttpsServer(
        { cert: readFileSync(config.tls.certFile), key: readFileSync(config.tls.keyFile) },
        handler,
      )
    : createHttpServer(handler);
  // Slowloris guard: a client gets this long to send its headers.
  server.headersTimeout = 10_000;
  server.requestTimeout = 60_000;
  server.on('clientError', answerClientError);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(where.port, where.host, () => {
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
 * Stops accepting connections and resolves when the in-flight requests have been answered. While it
 * drains, the app answers with `Connection: close` (see app.ts), and keep-alive connections are
 * closed as soon as they are idle, so busy clients cannot keep it open; whatever still runs after
 * `timeoutMs` is cut.
 */
export function drain(server: Server, timeoutMs: number): Promise<'drained' | 'timed out'> {
  return new Promise((resolve) => {
    const idle = setInterval(() => server.closeIdleConnections(), 50);
    const timer = setTimeout(() => {
      clearInterval(idle);
      server.closeAllConnections();
      resolve('timed out');
    }, timeoutMs);
    timer.unref();
    server.close(() => {
      clearTimeout(timer);
      clearInterval(idle);
      resolve('drained');
    });
    server.closeIdleConnections();
  });
}

/**
 * Requests Node rejects before the app sees them (a head over 16 KiB, unparsable HTTP) get a
 * problem+json 400 like every other bad input, instead of Node's bare 431 / 400.
 */
function answerClientError(error: NodeJS.ErrnoException, socket: Socket): void {
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    socket.end('HTTP/1.1 408 Request Timeout\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    return;
  }
  const detail =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? 'the request line and headers are over 16 KiB'
      : 'the request is not valid HTTP/1.1';
  const body = JSON.stringify(problemBody('invalid_request', detail));
  socket.end(
    'HTTP/1.1 400 Bad Request\r\nContent-Type: application/problem+json\r\nConnection: close\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}
