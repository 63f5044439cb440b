import type { Socket } from 'node:net';
import { createServer, type Server, type TlsOptions } from 'node:tls';
import { TacacsConfigError } from '@sessiond/tacacs-plus';

/** RFC 9887 §3.4.2: an external PSK has at least 16 octets. */
const MIN_PSK_LENGTH = 16;

/** TACACS+ over TLS 1.3 (RFC 9887) for the test server. */
export interface TacacsServerTlsOptions {
  /** PEM server certificate (chain) and its private key. */
  readonly cert: string | Buffer;
  readonly key: string | Buffer;
  /** PEM CA(s) that client certificates must chain to (with requestClientCert / requireClientCert). */
  readonly ca?: string | Buffer;
  /** Ask clients for a certificate; one that does not verify still connects (unless required). */
  readonly requestClientCert?: boolean;
  /** Refuse clients without a certificate signed by `ca` (mutual TLS). */
  readonly requireClientCert?: boolean;
  /** External PSKs by identity (RFC 9887 §3.4.2), each at least 16 bytes. */
  readonly psks?: ReadonlyMap<string, Buffer>;
}

// TLS 1.3 PSK needs a SHA-256 suite (OpenSSL binds a legacy PSK to SHA-256).
const PSK_CIPHERS = 'TLS_AES_128_GCM_SHA256:TLS_CHACHA20_POLY1305_SHA256';

/** node:tls options for RFC 9887: TLS 1.3 only (a TLS 1.2 client gets a protocol_version alert). */
export function tlsServerOptions(options: TacacsServerTlsOptions): TlsOptions {
  if (options.requireClientCert === true && options.ca === undefined) {
    throw new TacacsConfigError('tls.requireClientCert needs tls.ca to verify client certificates');
  }
  for (const [identity, psk] of options.psks ?? []) {
    if (psk.length < MIN_PSK_LENGTH) {
      throw new TacacsConfigError(
        `tls.psks: the PSK of '${identity}' has fewer than ${MIN_PSK_LENGTH} bytes`,
      );
    }
  }
  const psks = options.psks;
  return {
    cert: options.cert,
    key: options.key,
    minVersion: 'TLSv1.3',
    maxVersion: 'TLSv1.3',
    ...(options.ca !== undefined ? { ca: options.ca } : {}),
    requestCert: options.requestClientCert === true || options.requireClientCert === true,
    rejectUnauthorized: options.requireClientCert === true,
    ...(psks !== undefined && psks.size > 0
      ? { ciphers: PSK_CIPHERS, pskCallback: (_socket, identity) => psks.get(identity) ?? null }
      : {}),
  };
}

/** A TLS 1.3 listener handing each established connection to `accept`. */
export function createTlsListener(
  options: TacacsServerTlsOptions,
  accept: (socket: Socket) => void,
  onHandshakeError: (error: Error) => void,
): Server {
  const server = createServer(tlsServerOptions(options), accept);
  // A client that fails the handshake (TLS 1.2 only, an unknown certificate…) is dropped by node:tls.
  server.on('tlsClientError', onHandshakeError);
  return server;
}
