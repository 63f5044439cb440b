import { createServer, type Socket } from 'node:net';

/** A TCP server that accepts connections and never sends a byte (see startSilentServer). */
export interface SilentServer {
  readonly host: string;
  readonly port: number;
  /** Connections accepted so far. */
  readonly connections: number;
  /** Bytes received so far, over every connection. */
  readonly bytesReceived: number;
  close(): Promise<void>;
}

/**
 * The field's most expensive dead server: the TCP handshake succeeds (a firewall or a hung daemon
 * accepts), then nothing comes back, so every client waits its whole read timeout. Counts what
 * reaches it, so tests can prove a held-down server was not contacted.
 */
export function startSilentServer(host = '127.0.0.1', port = 0): Promise<SilentServer> {
  const sockets = new Set<Socket>();
  let connections = 0;
  let bytesReceived = 0;
  const server = createServer((socket) => {
    connections += 1;
    sockets.add(socket);
    socket.on('data', (chunk: Buffer) => {
      bytesReceived += chunk.length;
    });
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const address = server.address();
      if (address === null || typeof address === 'string') {
        reject(new Error('silent server: no port'));
        return;
      }
      resolve({
        host,
        port: address.port,
        get connections() {
          return connections;
        },
        get bytesReceived() {
          return bytesReceived;
        },
        close: () =>
          new Promise<void>((done) => {
            for (const socket of sockets) socket.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}
