import type { Request } from 'express';
import { ProblemError } from './problem-error';

/** A query parameter given at most once: its value, or undefined; repeated → 400 invalid_request. */
export function queryParam(req: Request, name: string): string | undefined {
  const value: unknown = (req.query as Record<string, unknown>)[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new ProblemError('invalid_request', `give "${name}" once`);
  return value;
}

/** An integer query parameter within [min, max], or `fallback` when absent; else 400 invalid_request. */
export function integerParam(
  req: Request,
  name: string,
  { min, max, fallback }: { readonly min: number; readonly max: number; readonly fallback: number },
): number {
  const text = queryParam(req, name);
  if (text === undefined) return fallback;
  const value = /^\d{1,9}$/.test(text) ? Number(text) : NaN;
  if (!(value >= min && value <= max)) {
    throw new ProblemError('invalid_request', `"${name}" must be an integer from ${min} to ${max}`);
  }
  return value;
}
