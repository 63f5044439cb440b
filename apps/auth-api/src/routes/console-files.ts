import { lstat, readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, resolve } from 'node:path';
import { CONSOLE_PATH } from '@sessiond/protocol';
import { problemFor } from '../http/error-handler';
import { ProblemError } from '../http/problem-error';
import { trackRequest, type Tracking } from '../http/request-tracking';
import { sendProblem } from '../http/respond';

/**
 * Where the built console is (issue 16: apps/auth-api/dist/console, written by the console's build):
 * resolved from this module's own folder, so it is the same from src/routes (ts-jest) and
 * dist/routes (node).
 */
export const CONSOLE_DIR = resolve(__dirname, '..', '..', 'dist', 'console');

/** The headers of every console file: the page runs only its own script and style, from here. */
export const CONSOLE_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-cache',
};

/** Content types by extension; anything else is served as bytes. */
const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/** A file name directly in the directory: no separator, no escape, never `.` or `..`. */
const FILE_NAME = /^[A-Za-z0-9._-]+$/;
const BASE = CONSOLE_PATH.slice(0, -1); // '/console'
const NOT_BUILT = 'the console is not built: run npm run build';

export type ConsoleHandler = (req: IncomingMessage, res: ServerResponse) => boolean;

/**
 * Serves the operator console's files on node:http (GET and HEAD): `/console` → 301 `/console/`,
 * `/console/` → index.html, `/console/<name>` → that regular file of `dir`, read at request time.
 * The name is matched as sent (never decoded), so `..%2f` and friends are plain 404s; symbolic
 * links are not followed. Every answer is tracked and logged like the other routes (route
 * `/console/`). Returns false for requests outside /console.
 */
export function consoleFiles(tracking: Tracking, dir: string = CONSOLE_DIR): ConsoleHandler {
  return (req, res) => {
    const url = req.url ?? '';
    const query = url.indexOf('?');
    const path = query < 0 ? url : url.slice(0, query);
    if (path !== BASE && !path.startsWith(CONSOLE_PATH)) return false;
    const context = trackRequest(req, res, tracking, () => CONSOLE_PATH);
    serve(req, res, dir, path).catch((error: unknown) => {
      if (res.headersSent) res.destroy();
      else sendProblem(res, problemFor(error, tracking.logger, context.reqId));
    });
    return true;
  };
}

async function serve(req: IncomingMessage, res: ServerResponse, dir: string, path: string): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    throw new ProblemError(
      'method_not_allowed',
      `${req.method ?? ''} is not served on this path; use GET, HEAD`,
      {},
      { Allow: 'GET, HEAD' },
    );
  }
  if (path === BASE) {
    res.writeHead(301, { Location: CONSOLE_PATH, 'Content-Length': '0' }).end();
    return;
  }
  const name = path === CONSOLE_PATH ? 'index.html' : path.slice(CONSOLE_PATH.length);
  if (!FILE_NAME.test(name) || name === '.' || name === '..') throw missing(path);
  const file = join(dir, name);
  const stats = await lstat(file).catch(() => undefined);
  if (stats === undefined || !stats.isFile()) {
    throw (await isBuilt(dir)) ? missing(path) : new ProblemError('not_found', NOT_BUILT);
  }
  const body = await readFile(file);
  res.writeHead(200, {
    ...CONSOLE_HEADERS,
    'Content-Type': TYPES[extname(name).toLowerCase()] ?? 'application/octet-stream',
    'Content-Length': String(body.length),
  });
  res.end(req.method === 'HEAD' ? undefined : body);
}

/** The console is built when its directory holds its page. */
async function isBuilt(dir: string): Promise<boolean> {
  const index = await lstat(join(dir, 'index.html')).catch(() => undefined);
  return index?.isFile() === true;
}

function missing(path: string): ProblemError {
  return new ProblemError('not_found', `no console file at ${path.slice(0, 200)}`);
}
