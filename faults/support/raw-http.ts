import { connect } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { Outcome, RequestSpec } from './http-load';

/**
 * Sends `bytes` on a new connection as they are (what Node's HTTP client refuses to send: control
 * characters, raw UTF-8 in headers, bare LF, broken framing, odd methods and versions), half-closes,
 * and reads until the server closes. The status line and the problem `code` are read from the reply.
 */
export function sendRaw(port: number, spec: RequestSpec, bytes: Buffer, timeoutMs: number): Promise<Outcome> {
  const startedAt = performance.now();
  return new Promise<Outcome>((resolve) => {
    const chunks: Buffer[] = [];
    let settled = false;
    const socket = connect({ host: '127.0.0.1', port });
    const finish = (error: string | undefined): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      // Interim 1xx answers (100 Continue after `Expect: 100-continue`) precede the final one.
      const text = Buffer.concat(chunks)
        .toString('latin1')
        .replace(/^(HTTP\/1\.[01] 1\d\d[^\r\n]*\r\n(?:[^\r\n]+\r\n)*\r\n)+/, '');
      const status = /^HTTP\/1\.[01] (\d{3})/.exec(text);
      resolve({
        label: spec.label,
        startedAt,
        endedAt: performance.now(),
        status: status === null ? 0 : Number(status[1]),
        code: /"code":"([a-z_]+)"/.exec(text)?.[1],
        body: text.slice(text.indexOf('\r\n\r\n') + 4),
        headers: {},
        // A connection closed without a reply is the server refusing unparseable bytes.
        error: status === null ? (error ?? 'closed without a reply') : undefined,
        spec,
      });
    };
    const timer = setTimeout(() => finish('timeout'), timeoutMs);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', (error: NodeJS.ErrnoException) => finish(error.code ?? error.message));
    socket.on('close', () => finish(undefined));
    socket.end(bytes);
  });
}
