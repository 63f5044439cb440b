import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The checked-out commit, read from .git (HEAD, its ref, or packed-refs) without running git. */
export function currentCommit(root: string): string {
  try {
    const git = join(root, '.git');
    const head = readFileSync(join(git, 'HEAD'), 'utf8').trim();
    if (!head.startsWith('ref: ')) return head.slice(0, 12);
    const ref = head.slice('ref: '.length);
    if (existsSync(join(git, ref))) return readFileSync(join(git, ref), 'utf8').trim().slice(0, 12);
    const packed = readFileSync(join(git, 'packed-refs'), 'utf8')
      .split('\n')
      .find((line) => line.endsWith(` ${ref}`));
    return packed?.slice(0, 12) ?? 'unknown';
  } catch {
    return 'unknown';
  }
}
