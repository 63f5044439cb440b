import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { PacketParser, type RawPacket } from '@sessiond/tacacs-plus';

/** What a script sends back for one request packet: bytes, several writes, nothing, or a close. */
export type ScriptAction = Buffer | readonly Buffer[] | 'close' | undefined;

/** A request as the scripted server saw it, with its connection number (0-based). */
export interface ScriptedRequest {
  readonly packet: RawPacket;
  readonly connection: number;
}

/**
 * A fake TACACS+ server for the cases the real one cannot produce: replies with the wrong seq_no,
 * session_id or type, oversized length fields, or recording exactly what a client sent. The script
 * builds the reply bytes itself (tests use the naive builder or the published vectors).
 */
export class ScriptedTacacsServer {
  readonly requests: ScriptedRequest[] = [];
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private connections = 0;

  constructor(private readonly script: (request: ScriptedRequest, socket: Socket) => ScriptAction) {}

  async listen(host = '127.0.0.1'): Promise<void> {
    const server = createServer((socket) => this.accept(socket));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, host, () => resolve());
    });
  }

  get port(): number {
    return (this.server?.address() as AddressInfo).port;
  }

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  get connectionCount(): number {
    return this.connections;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    const server = this.server;
    this.server = undefined;
    if (server !== undefined) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private accept(socket: Socket): void {
    const connection = this.connections;
    this.connections += 1;
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    const parser = new PacketParser();
    socket.on('data', (chunk: Buffer) => {
      try {
        parser.push(chunk, (packet) => {
          const request = { packet, connection };
          this.requests.push(request);
          const action = this.script(request, socket);
          if (action === 'close') socket.destroy();
          else if (Buffer.isBuffer(action)) socket.write(action);
          else if (action !== undefined) for (const part of action) socket.write(part);
        });
      } catch {
        socket.destroy();
      }
    });
  }
}
