import express, { type Express } from 'express';
import type { Response } from 'supertest';
import type { SessionMiddleware } from '../../src';

export const WHOAMI = '/whoami';

/** A small service protected by the middleware: GET /whoami answers req.sessiond. */
export function protectedApp(middleware: SessionMiddleware): Express {
  const app = express();
  app.get(WHOAMI, middleware, (req, res) => {
    res.json({ ...req.sessiond });
  });
  return app;
}

/** What must be identical between the middleware's refusal and the auth-api's. */
export function refusal(res: { status: number; headers: Record<string, string>; body: unknown }): unknown {
  return {
    status: res.status,
    contentType: res.headers['content-type'],
    wwwAuthenticate: res.headers['www-authenticate'],
    retryAfter: res.headers['retry-after'],
    body: res.body,
  };
}

/** The same view of a fetch() answer from the auth-api. */
export function apiRefusal(res: { status: number; headers: Headers; body: unknown }): unknown {
  return {
    status: res.status,
    contentType: res.headers.get('content-type') ?? undefined,
    wwwAuthenticate: res.headers.get('www-authenticate') ?? undefined,
    retryAfter: res.headers.get('retry-after') ?? undefined,
    body: res.body,
  };
}

export type SupertestResponse = Response;
