import { appendFile } from 'node:fs/promises';

/** One accounting request as written to the JSON-lines file. */
export interface AccountingRecord {
  readonly time: string;
  readonly flag: 'start' | 'stop' | 'watchdog' | 'start+watchdog' | 'unknown';
  readonly username: string;
  readonly port: string;
  readonly remAddr: string;
  readonly privLvl: number;
  /** `name=value` / `name*value` arguments as an object (task_id, start_time, stop_time, elapsed_time, …). */
  readonly args: Readonly<Record<string, string>>;
}

/** Appends records to a file, one JSON object per line, in arrival order. */
export class AccountingLog {
  private tail: Promise<void> = Promise.resolve();

  constructor(private readonly path: string) {}

  append(record: AccountingRecord): Promise<void> {
    const write = this.tail.then(() => appendFile(this.path, `${JSON.stringify(record)}\n`, 'utf8'));
    this.tail = write.catch(() => undefined);
    return write;
  }

  /** Resolves once every append so far has finished. */
  flush(): Promise<void> {
    return this.tail;
  }
}

/** Splits `name=value` or `name*value` arguments; a later duplicate wins. */
export function argsToObject(args: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const arg of args) {
    const at = arg.search(/[=*]/);
    if (at > 0) out[arg.slice(0, at)] = arg.slice(at + 1);
  }
  return out;
}
