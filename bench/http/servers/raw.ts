import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { Redis } from 'ioredis';

// Peer "raw": node:http with no framework, one ioredis GET of the token's record (the ~200-byte JSON
// the bench stores under `bare:<token>`), answered as is: the floor of any Redis-backed token check
// in Node (targets.md). ioredis with its defaults, as a team writing this by hand would have it.
// The same server answers POST /introspect with a JSON body {"token": …}, read the way a hand-written
// handler reads one (chunks until 'end', JSON.parse), then the same GET: the floor of that shape of
// request, against which POST /introspect's cost of reading a body can be told from the rest.
// Usage: node raw.js <port> <redis url>
const [port = '0', redisUrl = 'redis://127.0.0.1:6379'] = process.argv.slice(2);
const redis = new Redis(redisUrl);
const ROUTE = '/validate/';
const INTROSPECT = '/introspect';
const MAX_BODY = 8 * 1024;
const MISSING = JSON.stringify({ code: 'token_invalid' });
const NOT_FOUND = JSON.stringify({ code: 'not_found' });

function lookup(res: ServerResponse, token: string): void {
  redis.get(`bare:${token}`).then(
    (record) => answer(res, record === null ? 401 : 200, record ?? MISSING),
    () => answer(res, 503, JSON.stringify({ code: 'unavailable' })),
  );
}

function introspect(req: IncomingMessage, res: ServerResponse): void {
  let body = '';
  req.setEncoding('utf8');
  req.on('data', (chunk: string) => {
    body += chunk;
    if (body.length > MAX_BODY) req.destroy();
  });
  req.on('end', () => {
    let token: unknown;
    try {
      token = (JSON.parse(body) as { token?: unknown }).token;
    } catch {
      token = undefined;
    }
    if (typeof token === 'string') lookup(res, token);
    else answer(res, 400, JSON.stringify({ code: 'invalid_request' }));
  });
}

function answer(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(body),
  });
  res.end(body);
}

createServer((req, res) => {
  const url = req.url ?? '';
  if (req.method === 'POST' && url === INTROSPECT) {
    introspect(req, res);
    return;
  }
  if (req.method !== 'GET' || !url.startsWith(ROUTE)) {
    answer(res, 404, NOT_FOUND);
    return;
  }
  let id: string;
  try {
    id = decodeURIComponent(url.slice(ROUTE.length));
  } catch {
    answer(res, 401, MISSING);
    return;
  }
  lookup(res, id);
}).listen(Number(port), '127.0.0.1', () => process.stdout.write('ready\n'));
// A normal exit on the bench's SIGTERM lets `--cpu-prof` write its profile.
process.on('SIGTERM', () => process.exit(0));
