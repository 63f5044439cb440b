import { TacacsTlsError, type TlsFailure } from '../errors';

/**
 * OpenSSL's certificate verification results as Node reports them (`error.code`), plus Node's own
 * hostname check (`ERR_TLS_CERT_ALTNAME_INVALID`): the server's certificate did not verify.
 */
const VERIFY_CODES: ReadonlySet<string> = new Set([
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_DECRYPT_CERT_SIGNATURE',
  'UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY',
  'CERT_SIGNATURE_FAILURE',
  'CERT_NOT_YET_VALID',
  'CERT_HAS_EXPIRED',
  'CERT_REVOKED',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'CERT_CHAIN_TOO_LONG',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'INVALID_CA',
  'INVALID_PURPOSE',
  'PATH_LENGTH_EXCEEDED',
  'HOSTNAME_MISMATCH',
  'IP_ADDRESS_MISMATCH',
]);

/** The peer (or our own settings) cannot agree on TLS 1.3 (RFC 9887 §3.2 allows nothing older). */
const PROTOCOL_VERSION =
  /PROTOCOL_VERSION|UNSUPPORTED_PROTOCOL|NO_PROTOCOLS_AVAILABLE|VERSION_TOO_LOW|WRONG_VERSION_NUMBER/;

/** Any other TLS-level failure: alerts, a refused client certificate, a bad handshake message. */
const HANDSHAKE = /^ERR_SSL_|^ERR_TLS_|^ERR_OSSL_/;

/** Why a TLS error happened, or undefined when `error` is not a TLS error (ECONNRESET, ETIMEDOUT…). */
export function tlsFailureOf(error: unknown): TlsFailure | undefined {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (typeof code !== 'string') return undefined;
  if (PROTOCOL_VERSION.test(code)) return 'protocol-version';
  if (VERIFY_CODES.has(code)) return 'verify';
  if (HANDSHAKE.test(code)) return 'handshake';
  return undefined;
}

const SENTENCE: Readonly<Record<TlsFailure, string>> = {
  verify: 'TLS verification of the server certificate failed',
  handshake: 'TLS handshake failed',
  'protocol-version': 'TLS 1.3 could not be negotiated (RFC 9887 requires TLS 1.3)',
};

/** A TacacsTlsError naming the OpenSSL / Node code, or undefined when `error` is not a TLS error. */
export function tlsError(error: unknown, during: string): TacacsTlsError | undefined {
  const reason = tlsFailureOf(error);
  if (reason === undefined) return undefined;
  const { code, message } = error as NodeJS.ErrnoException;
  return new TacacsTlsError(reason, `${during}: ${SENTENCE[reason]} (${code ?? '?'}: ${message})`, {
    cause: error,
  });
}
