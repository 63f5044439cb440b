import { connect, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import {
  TacacsConnectionError,
  TacacsTimeoutError,
  type ConnectionFailure,
  type TacacsTlsError,
} from '../errors';
import { DEFAULT_PORT } from '../constants';
import { tlsError } from './tls-errors';

/** Where and how long to try. */
export interface TransportTarget {
  readonly host: string;
  readonly port: number;
  readonly connectTimeoutMs: number;
  /** The local address to connect from (default: the operating system's choice). */
  readonly localAddress?: string | undefined;
  /** Aborting rejects with a `deadline` TacacsTimeoutError and destroys the half-open socket. */
  readonly signal?: AbortSignal | undefined;
}

/**
 * How bytes reach a server: plain TCP with MD5 obfuscation (RFC 8907, `tcpTransport`), or TLS 1.3
 * (RFC 9887, `tlsTransport` in tls-transport.ts) whose `obfuscates` is false: packets then carry the
 * UNENCRYPTED flag and the key is not used.
 */
export interface TacacsTransport {
  readonly name: string;
  /** True: bodies are obfuscated with the shared key; false: the transport protects them (TLS). */
  readonly obfuscates: boolean;
  /** The port of a server configured without one (49 for TCP, 300 for TLS: RFC 9887 §3.1). */
  readonly defaultPort?: number;
  /** Resolves with a connected stream, or rejects with TacacsConnectionError / TacacsTimeoutError. */
  connect(target: TransportTarget): Promise<Duplex>;
}

const FAILURE_BY_ERRNO: Readonly<Record<string, ConnectionFailure>> = {
  ECONNREFUSED: 'refused',
  ECONNRESET: 'reset',
  EPIPE: 'reset',
};

function failureOf(error: NodeJS.ErrnoException): ConnectionFailure {
  return FAILURE_BY_ERRNO[error.code ?? ''] ?? 'unreachable';
}

/**
 * Maps a socket error to the package's error (keeps the original as `cause`). TLS errors become
 * TacacsTlsError: with TLS 1.3 a server that refuses our client certificate says so with an alert
 * after the client's side of the handshake is done, so they can arrive on an open connection too.
 */
export function connectionError(error: unknown, during: string): TacacsConnectionError | TacacsTlsError {
  const tls = tlsError(error, during);
  if (tls !== undefined) return tls;
  const errno = error as NodeJS.ErrnoException;
  const reason = failureOf(errno);
  return new TacacsConnectionError(reason, `${during}: ${errno.code ?? errno.message}`, { cause: error });
}

/** Plain TCP (RFC 8907 §4.1). */
export const tcpTransport: TacacsTransport = {
  name: 'tcp',
  obfuscates: true,
  defaultPort: DEFAULT_PORT,
  connect(target: TransportTarget): Promise<Duplex> {
    return new Promise<Duplex>((resolve, reject) => {
      if (target.signal?.aborted === true) {
        reject(new TacacsTimeoutError('deadline', undefined));
        return;
      }
      const socket: Socket = connect({
        host: target.host,
        port: target.port,
        ...(target.localAddress !== undefined ? { localAddress: target.localAddress } : {}),
      });
      socket.setNoDelay(true);
      const finish = (error?: Error): void => {
        clearTimeout(timer);
        target.signal?.removeEventListener('abort', onAbort);
        socket.off('error', onError);
        socket.off('connect', onConnect);
        if (error === undefined) {
          resolve(socket);
        } else {
          socket.destroy();
          reject(error);
        }
      };
      const onError = (error: Error): void => finish(connectionError(error, 'connect'));
      const onConnect = (): void => finish();
      const onAbort = (): void => finish(new TacacsTimeoutError('deadline', undefined));
      const timer = setTimeout(
        () => finish(new TacacsTimeoutError('connect', target.connectTimeoutMs)),
        target.connectTimeoutMs,
      );
      socket.once('error', onError);
      socket.once('connect', onConnect);
      target.signal?.addEventListener('abort', onAbort, { once: true });
    });
  },
};
