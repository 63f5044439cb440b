import { StoreReplyError } from './errors';

/** Typed reads from a script's array reply; anything unexpected is a StoreReplyError. */
export class Reply {
  private position = 0;

  constructor(private readonly items: readonly unknown[]) {}

  static of(value: unknown, script: string): Reply {
    if (!Array.isArray(value) || value.length === 0) throw new StoreReplyError(`${script}: unexpected reply`);
    return new Reply(value);
  }

  get remaining(): number {
    return this.items.length - this.position;
  }

  number(): number {
    const value = this.items[this.position++];
    if (typeof value !== 'number') throw new StoreReplyError('expected a number in a script reply');
    return value;
  }

  string(): string {
    const value = this.items[this.position++];
    if (typeof value !== 'string') throw new StoreReplyError('expected a string in a script reply');
    return value;
  }
}
