import { accessSync, constants, statSync } from 'node:fs';
import { z } from 'zod';

/** Why `path` cannot be read as a file, or undefined when it can (checked now, at start-up). */
export function fileProblem(path: string): string | undefined {
  try {
    // stat follows symbolic links, as Kubernetes' mounted secrets and config maps are.
    const stat = statSync(path);
    if (stat.isDirectory()) return `'${path}' is a directory, not a file`;
    if (!stat.isFile()) return `'${path}' is not a regular file`;
    accessSync(path, constants.R_OK);
    return undefined;
  } catch (error) {
    return `cannot read '${path}' (${systemReason(error)})`;
  }
}

/**
 * A system error as `CODE: description`: Node's message (`ENOENT: no such file or directory, open
 * '/x'`) without the call and path, which the caller's sentence names already.
 */
export function systemReason(error: unknown): string {
  // Not `instanceof Error`: errors from another realm (a vm context, jest) are not instances of ours.
  const message = (error as { message?: unknown } | undefined)?.message;
  if (typeof message !== 'string') return String(error);
  return /^([A-Z][A-Z0-9]*: [^,]+)/.exec(message)?.[1] ?? message;
}

/** A variable naming a file the app reads at start-up: it must exist, be a file and be readable. */
export const envReadableFile = z
  .string()
  .trim()
  .superRefine((path, ctx) => {
    const problem = fileProblem(path);
    if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
  });
