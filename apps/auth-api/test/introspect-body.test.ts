import { createServer, type Server } from 'node:http';
import { connect, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { INTROSPECTION_CLIENT, basic, startHarness, stopSharedRedis, type Harness } from './support/harness';
import { waitFor } from '@sessiond/test-utils';

// How POST /introspect reads its body over a real socket: a body that came with its headers is taken
// in one read, one that arrives later is streamed; both give the same answers, limits included, and
// the connection stays usable for the next request (keep-alive).

let h: Harness;
let server: Server;
let port: number;
const PATH = '/api/v1/auth/introspect';

beforeAll(async () => {
  h = await startHarness({ env: { SESSION_LIMIT_PER_USER: '0' } });
  server = createServer(h.app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await h.close();
  await stopSharedRedis();
});

/** Reads HTTP/1.1 answers off one socket, one at a time (Content-Length framed). */
class Answers {
  private buffered = '';
  private waiting: (() => void) | undefined;

  constructor(readonly socket: Socket) {
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      this.buffered += chunk;
      this.waiting?.();
    });
  }

  async next(): Promise<{ status: number; body: Record<string, unknown> }> {
    for (;;) {
      const end = this.buffered.indexOf('\r\n\r\n');
      if (end >= 0) {
        const head = this.buffered.slice(0, end);
        const length = Number(/content-length: (\d+)/i.exec(head)?.[1] ?? 0);
        if (this.buffered.length >= end + 4 + length) {
          const body = this.buffered.slice(end + 4, end + 4 + length);
          this.buffered = this.buffered.slice(end + 4 + length);
          return { status: Number(head.slice(9, 12)), body: JSON.parse(body) as Record<string, unknown> };
        }
      }
      await new Promise<void>((resolve) => (this.waiting = resolve));
    }
  }
}

function open(): Promise<Answers> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () => resolve(new Answers(socket)));
  });
}

function head(body: { length: number } | undefined, type = 'application/json', chunked = false): string {
  return (
    `POST ${PATH} HTTP/1.1\r\nHost: x\r\nAuthorization: ${basic(INTROSPECTION_CLIENT.id, INTROSPECTION_CLIENT.secret)}\r\n` +
    `Content-Type: ${type}\r\n` +
    (chunked ? 'Transfer-Encoding: chunked\r\n' : `Content-Length: ${body?.length ?? 0}\r\n`) +
    '\r\n'
  );
}

describe('POST /introspect body reading over a socket', () => {
  it('with its headers, or after them: the same answers, and keep-alive holds', async () => {
    const token = await h.token();
    const json = JSON.stringify({ token });
    const form = `token=${encodeURIComponent(token)}&touch=false`;
    const answers = await open();
    try {
      // Headers and body in one write: the body is complete when the route reads it.
      answers.socket.write(head(json) + json);
      expect(await answers.next()).toMatchObject({ status: 200, body: { active: true } });
      answers.socket.write(head(form, 'application/x-www-form-urlencoded') + form);
      expect(await answers.next()).toMatchObject({ status: 200, body: { active: true } });
      // Headers first, the body only once the route is waiting for it: streamed.
      answers.socket.write(head(json));
      await waitFor(() => h.inFlight() === 1, { intervalMs: 5, message: 'the route to wait for the body' });
      answers.socket.write(json);
      expect(await answers.next()).toMatchObject({ status: 200, body: { active: true } });
      // A chunked body in one write, then one over the limit in one write: 413, answered as before.
      const chunk = (text: string): string => `${text.length.toString(16)}\r\n${text}\r\n`;
      answers.socket.write(head(undefined, 'application/json', true) + chunk(json) + '0\r\n\r\n');
      expect(await answers.next()).toMatchObject({ status: 200, body: { active: true } });
    } finally {
      answers.socket.destroy();
    }
    const large = await open();
    try {
      const big = JSON.stringify({ token: 'x'.repeat(9000) });
      const chunk = `${big.length.toString(16)}\r\n${big}\r\n0\r\n\r\n`;
      large.socket.write(head(undefined, 'application/json', true) + chunk);
      expect(await large.next()).toMatchObject({ status: 413, body: { code: 'payload_too_large' } });
    } finally {
      large.socket.destroy();
    }
  });
});
