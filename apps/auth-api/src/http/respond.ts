import type { ServerResponse } from 'node:http';
import type { ProblemError } from './problem-error';
import { contextOf } from './request-context';

/** Sends a JSON answer (the same bytes and headers Express's res.json would). */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Readonly<Record<string, string>> = {},
): void {
  send(res, status, JSON.stringify(body), 'application/json; charset=utf-8', headers);
}

/** Sends JSON already written as text (http/hot-json.ts). */
export function sendJsonText(
  res: ServerResponse,
  status: number,
  text: string,
  headers: Readonly<Record<string, string>> = {},
): void {
  send(res, status, text, 'application/json; charset=utf-8', headers);
}

/** Sends an RFC 9457 problem and records its code for the request's log line. */
export function sendProblem(res: ServerResponse, problem: ProblemError): void {
  contextOf(res).code = problem.code;
  send(
    res,
    problem.status,
    JSON.stringify(problem.body()),
    'application/problem+json; charset=utf-8',
    problem.headers,
  );
}

function send(
  res: ServerResponse,
  status: number,
  text: string,
  type: string,
  headers: Readonly<Record<string, string>>,
): void {
  res.statusCode = status;
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  res.setHeader('Content-Type', type);
  res.setHeader('Content-Length', Buffer.byteLength(text));
  res.end(text);
}
