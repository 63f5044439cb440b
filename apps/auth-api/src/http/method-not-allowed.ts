import type { Express, RequestHandler } from 'express';
import { ProblemError } from './problem-error';

/** A route the service answers: its method and Express-style path (`/users/:username/sessions`). */
export interface ServedRoute {
  readonly method: string;
  readonly path: string;
}

interface Matcher {
  readonly pattern: RegExp;
  readonly methods: Set<string>;
}

/**
 * Answers 405 method_not_allowed, with `Allow`, for a path the service serves but not with this
 * method (RFC 9110 §15.5.6), instead of 404: `PUT /api/v1/auth/token-services/{id}` says what to use.
 * The routes come from the Express app itself plus those served outside it (fast routes), so the
 * list cannot drift from what is served. Other paths fall through to 404.
 */
export function methodNotAllowed(app: Express, outside: readonly ServedRoute[]): RequestHandler {
  let matchers: Matcher[] | undefined;
  return (req, _res, next) => {
    matchers ??= compile([...expressRoutes(app), ...outside]);
    const allowed = new Set<string>();
    for (const { pattern, methods } of matchers) {
      if (pattern.test(req.path)) for (const method of methods) allowed.add(method);
    }
    if (allowed.size === 0 || allowed.has(req.method)) {
      next();
      return;
    }
    if (allowed.has('GET')) allowed.add('HEAD');
    const allow = [...allowed].sort().join(', ');
    throw new ProblemError(
      'method_not_allowed',
      `${req.method} is not served on this path; use ${allow}`,
      {},
      { Allow: allow },
    );
  };
}

/** The routes of an Express app's router (and its nested routers). */
export function expressRoutes(app: Express): ServedRoute[] {
  const out: ServedRoute[] = [];
  const walk = (stack: readonly unknown[]): void => {
    for (const layer of stack as {
      route?: { path: string; methods: Record<string, boolean> };
      handle?: { stack?: unknown[] };
    }[]) {
      if (layer.route !== undefined) {
        for (const method of Object.keys(layer.route.methods)) {
          out.push({ method: method.toUpperCase(), path: layer.route.path });
        }
      } else if (layer.handle?.stack !== undefined) {
        walk(layer.handle.stack);
      }
    }
  };
  walk((app as unknown as { router: { stack: unknown[] } }).router.stack);
  return out;
}

/** Express's default matching: case-insensitive, `:name` one segment, one optional trailing slash. */
function compile(routes: readonly ServedRoute[]): Matcher[] {
  const byPath = new Map<string, Set<string>>();
  for (const { method, path } of routes) byPath.set(path, (byPath.get(path) ?? new Set()).add(method));
  return [...byPath].map(([path, methods]) => ({
    pattern: new RegExp(
      `^${path
        .split('/')
        .map((part) => (part.startsWith(':') ? '[^/]+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
        .join('/')}/?$`,
      'i',
    ),
    methods,
  }));
}
