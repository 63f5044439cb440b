import { readFileSync, statSync } from 'node:fs';
import { fileProblem, systemReason } from './readable-file';

/** `<NAME>_FILE` holds the path of a file whose content is the value of secret `<NAME>` (Docker secrets). */
export const FILE_SUFFIX = '_FILE';

// A secret is a key or a URL: anything larger is the wrong file, and is not read into memory.
const MAX_SECRET_FILE_BYTES = 64 * 1024;

export interface SecretFiles {
  /** The content of each secret's file, by the secret's name. */
  readonly values: Record<string, string>;
  /** One line per unusable `_FILE`, naming the variable and the path, never the content. */
  readonly problems: string[];
  /** Secrets whose `_FILE` was set but not used: reported already, so no rule should call them unset. */
  readonly unresolved: Set<string>;
}

/** Reads the `_FILE` of each of `names` that has one set (an empty value counts as unset). */
export function readSecretFiles(
  env: Readonly<Record<string, string | undefined>>,
  names: Iterable<string>,
): SecretFiles {
  const values: Record<string, string> = {};
  const problems: string[] = [];
  const unresolved = new Set<string>();
  for (const name of names) {
    const fileName = `${name}${FILE_SUFFIX}`;
    const path = env[fileName]?.trim() ?? '';
    if (path === '') continue;
    if ((env[name] ?? '') !== '') {
      problems.push(`${name}, ${fileName}: set one, not both`);
      unresolved.add(name);
      continue;
    }
    const content = readSecretFile(path);
    if (content.ok) {
      values[name] = content.value;
    } else {
      problems.push(`${fileName}: ${content.problem}`);
      unresolved.add(name);
    }
  }
  return { values, problems, unresolved };
}

function readSecretFile(path: string): { ok: true; value: string } | { ok: false; problem: string } {
  const problem = fileProblem(path);
  if (problem !== undefined) return { ok: false, problem };
  let bytes: Buffer;
  try {
    if (statSync(path).size > MAX_SECRET_FILE_BYTES) {
      return { ok: false, problem: `'${path}' is larger than ${MAX_SECRET_FILE_BYTES / 1024} KiB` };
    }
    bytes = readFileSync(path);
  } catch (error) {
    return { ok: false, problem: `cannot read '${path}' (${systemReason(error)})` };
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return { ok: false, problem: `'${path}' is not UTF-8 text` };
  }
  // Editors and `echo` end a file with one newline; it is not part of the secret (anything more is).
  const value = text.replace(/\r?\n$/, '');
  if (value === '') return { ok: false, problem: `'${path}' is empty` };
  return { ok: true, value };
}
