import type { IncomingMessage } from 'node:http';
import { ProblemError } from './problem-error';

export interface BodyLimits {
  /** Largest body in bytes (413 above it). */
  readonly maxBytes: number;
  /** Most form fields (413 above it). */
  readonly maxFields: number;
}

/**
 * Reads a small JSON or form-encoded body (what body-parser's json and urlencoded did for the
 * introspection route, with the same answers): no content type → 400, another type, charset or
 * content encoding → 415, too large → 413 (before reading when Content-Length says so), malformed
 * JSON or a JSON body that is not an object → 400.
 */
export async function readObjectBody(
  req: IncomingMessage,
  limits: BodyLimits,
): Promise<Record<string, unknown>> {
  const contentType = req.headers['content-type'];
  if (contentType === undefined) throw new ProblemError('invalid_request', 'the body needs a "token"');
  // The type services send, recognised before taking the header apart (introspection is hot).
  const plainJson = contentType === 'application/json';
  const [mediaType = '', ...params] = plainJson
    ? [contentType]
    : contentType.split(';').map((part) => part.trim().toLowerCase());
  const charset = params
    .find((p) => p.startsWith('charset='))
    ?.slice('charset='.length)
    .replace(/"/g, '');
  const encoding = req.headers['content-encoding']?.toLowerCase() ?? 'identity';
  const json = mediaType === 'application/json';
  if (
    (!json && mediaType !== 'application/x-www-form-urlencoded') ||
    (charset !== undefined && charset !== 'utf-8') ||
    encoding !== 'identity'
  ) {
    throw new ProblemError(
      'unsupported_media_type',
      'send application/json or application/x-www-form-urlencoded (UTF-8, not compressed)',
    );
  }
  const text = await readText(req, limits.maxBytes);
  if (json) {
    if (text.trim() === '') return {};
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      throw new ProblemError('invalid_request', 'the body is not valid JSON');
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new ProblemError('invalid_request', 'the body must be a JSON object');
    }
    return value as Record<string, unknown>;
  }
  const form = new URLSearchParams(text);
  const fields: Record<string, string> = {};
  let count = 0;
  for (const [name, value] of form) {
    count += 1;
    if (count > limits.maxFields)
      throw new ProblemError('payload_too_large', `more than ${limits.maxFields} form fields`);
    fields[name] ??= value;
  }
  return fields;
}

function readText(req: IncomingMessage, maxBytes: number): Promise<string> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) {
    return Promise.reject(new ProblemError('payload_too_large', `the body is over ${maxBytes} bytes`));
  }
  if (req.complete && !req.readableFlowing && req.listenerCount('data') === 0) {
    // The parser has the whole message already (a small body comes with its headers): take what it
    // buffered in one read() instead of flowing the stream through listeners and ticks (an
    // introspection's body is ~100 bytes). The stream then ends as it would after 'data'.
    const buffered = req.read() as Buffer | null;
    if (buffered !== null && buffered.length > maxBytes) {
      return Promise.reject(new ProblemError('payload_too_large', `the body is over ${maxBytes} bytes`));
    }
    return Promise.resolve(buffered === null ? '' : buffered.toString('utf8'));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        req.removeAllListeners('data');
        req.resume();
        reject(new ProblemError('payload_too_large', `the body is over ${maxBytes} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
