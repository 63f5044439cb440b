import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

export interface Health {
  readonly ok: boolean;
  /** Short reasons when not ok (no secrets: component names and error codes). */
  readonly problems: readonly string[];
}

export interface HttpServerDeps {
  readonly registry: Registry;
  readonly health: () => Promise<Health>;
}

/** `GET /healthz` (200 or 503 with a JSON body) and `GET /metrics` (Prometheus text). */
export function createHttpServer({ registry, health }: HttpServerDeps): Server {
  return createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) send(res, 500, 'application/json', JSON.stringify({ status: 'error' }));
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== '/healthz' && path !== '/metrics') {
      send(res, 404, 'application/json', JSON.stringify({ status: 'not_found' }));
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      send(res, 405, 'application/json', JSON.stringify({ status: 'method_not_allowed' }));
      return;
    }
    if (path === '/metrics') {
      send(res, 200, registry.contentType, await registry.metrics());
      return;
    }
    const { ok, problems } = await health();
    send(
      res,
      ok ? 200 : 503,
      'application/json',
      JSON.stringify({ status: ok ? 'ok' : 'unavailable', problems }),
    );
  }
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store' });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}

/** Listens and resolves with the bound address (port 0 picks a free one). */
export function listen(server: Server, port: number, host: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server.address() as AddressInfo);
    });
  });
}

/** Stops accepting and closes idle keep-alive connections; resolves when the server is closed. */
export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
  });
}
