import { X509Certificate } from 'node:crypto';
import { isIP } from 'node:net';
import type { Duplex } from 'node:stream';
import {
  checkServerIdentity,
  connect,
  createSecureContext,
  type ConnectionOptions,
  type PeerCertificate,
  type SecureContextOptions,
  type TLSSocket,
} from 'node:tls';
import { TacacsConfigError, TacacsTimeoutError } from '../errors';
import { connectionError, type TacacsTransport, type TransportTarget } from './transport';

/** IANA "tacacss": TACACS+ over TLS listens on TCP port 300 (RFC 9887 §3.1, §7). */
export const TLS_DEFAULT_PORT = 300;

/** RFC 9887 §3.4.2: an external PSK has at least 16 octets. */
export const MIN_PSK_LENGTH = 16;

/** RFC 9887 §3.2: TLS 1.3 only, nothing older is ever negotiated. */
const TLS_VERSION = 'TLSv1.3';

/** An external pre-shared key (RFC 9887 §3.4.2) instead of certificates. */
export interface TlsPsk {
  readonly identity: string;
  /** At least 16 bytes; never the obfuscation key (RFC 9887 §3.4.2). */
  readonly key: Buffer;
}

export interface TlsTransportOptions {
  /** PEM: the CA(s) that sign the servers' certificates. Required unless `psk` is given. */
  readonly ca?: string | Buffer | readonly (string | Buffer)[];
  /** PEM client certificate and key, for servers that require one (mutual TLS). Both or neither. */
  readonly cert?: string | Buffer;
  readonly key?: string | Buffer;
  /**
   * The name sent in SNI and checked against the server certificate instead of each server's host
   * (for servers reached by IP address whose certificate names a DNS name).
   */
  readonly servername?: string;
  /** External PSK authentication (TLS 1.3 psk_dhe_ke) instead of a server certificate. */
  readonly psk?: TlsPsk;
}

// TLS 1.3 PSK needs a SHA-256 cipher suite: OpenSSL binds a legacy PSK to SHA-256.
const PSK_CIPHERS = 'TLS_AES_128_GCM_SHA256:TLS_CHACHA20_POLY1305_SHA256';

function connectionOptions(options: TlsTransportOptions): ConnectionOptions {
  if ((options.cert === undefined) !== (options.key === undefined)) {
    throw new TacacsConfigError('tlsTransport: give both cert and key (mutual TLS) or neither');
  }
  if (options.servername !== undefined && options.servername.trim() === '') {
    throw new TacacsConfigError('tlsTransport: servername must not be empty');
  }
  const context: SecureContextOptions = {
    minVersion: TLS_VERSION,
    maxVersion: TLS_VERSION,
    ...(options.cert !== undefined ? { cert: options.cert, key: options.key } : {}),
  };
  let connection: ConnectionOptions = { rejectUnauthorized: true };
  if (options.psk !== undefined) {
    const { identity, key } = options.psk;
    if (identity === '' || key.length < MIN_PSK_LENGTH) {
      throw new TacacsConfigError(
        `tlsTransport: the PSK needs an identity and at least ${MIN_PSK_LENGTH} bytes`,
      );
    }
    context.ciphers = PSK_CIPHERS;
    connection = { ...connection, pskCallback: () => ({ identity, psk: key }) };
  } else if (options.ca === undefined || (Array.isArray(options.ca) && options.ca.length === 0)) {
    throw new TacacsConfigError('tlsTransport: ca is required to verify the servers (RFC 9887 §3.4.1)');
  } else {
    const cas = Array.isArray(options.ca) ? options.ca : [options.ca];
    for (const ca of cas) {
      try {
        // node:tls skips a CA it cannot parse without a word: then nothing would ever verify.
        new X509Certificate(ca as string | Buffer);
      } catch (error) {
        throw new TacacsConfigError('tlsTransport: ca is not a PEM certificate', { cause: error });
      }
    }
    context.ca = options.ca as SecureContextOptions['ca'];
  }
  try {
    // One context for every connection: the CA and key are parsed once, and bad PEM fails now.
    return { ...connection, secureContext: createSecureContext(context) };
  } catch (error) {
    throw new TacacsConfigError(`tlsTransport: ${(error as Error).message}`, { cause: error });
  }
}

/**
 * TACACS+ over TLS 1.3 (RFC 9887): the server certificate is verified against `ca` and its name
 * (DNS name or IP address of the configured host, or `servername`) checked; an optional client
 * certificate for mutual TLS. Bodies are not obfuscated (`obfuscates: false`: every packet carries
 * TAC_PLUS_UNENCRYPTED_FLAG, RFC 9887 §4) and the shared key is never used. Failures are
 * TacacsTlsError (`verify`, `handshake`, `protocol-version`); the connect timeout covers the handshake.
 */
export function tlsTransport(options: TlsTransportOptions): TacacsTransport {
  const base = connectionOptions(options);
  const psk = options.psk !== undefined;
  return {
    name: 'tls',
    obfuscates: false,
    defaultPort: TLS_DEFAULT_PORT,
    connect(target: TransportTarget): Promise<Duplex> {
      const name = options.servername ?? target.host;
      return new Promise<Duplex>((resolve, reject) => {
        if (target.signal?.aborted === true) {
          reject(new TacacsTimeoutError('deadline', undefined));
          return;
        }
        const socket: TLSSocket = connect({
          ...base,
          host: target.host,
          port: target.port,
          // RFC 6066 §3: SNI carries DNS names only, never an IP address.
          ...(isIP(name) === 0 ? { servername: name } : {}),
          ...(target.localAddress !== undefined ? { localAddress: target.localAddress } : {}),
          checkServerIdentity: psk
            ? () => undefined // a PSK authenticates both ends: there is no certificate to check
            : (_host: string, cert: PeerCertificate) => checkServerIdentity(name, cert),
        });
        socket.setNoDelay(true);
        const finish = (error?: Error): void => {
          clearTimeout(timer);
          target.signal?.removeEventListener('abort', onAbort);
          socket.off('error', onError);
          socket.off('secureConnect', onSecure);
          if (error === undefined) {
            resolve(socket);
          } else {
            socket.destroy();
            reject(error);
          }
        };
        const onError = (error: Error): void => finish(connectionError(error, 'TLS connect'));
        const onSecure = (): void => finish();
        const onAbort = (): void => finish(new TacacsTimeoutError('deadline', undefined));
        const timer = setTimeout(
          () => finish(new TacacsTimeoutError('connect', target.connectTimeoutMs)),
          target.connectTimeoutMs,
        );
        socket.once('error', onError);
        socket.once('secureConnect', onSecure);
        target.signal?.addEventListener('abort', onAbort, { once: true });
      });
    },
  };
}
