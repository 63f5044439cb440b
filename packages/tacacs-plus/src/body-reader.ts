import { TacacsProtocolError } from './errors';

/**
 * Bounds-checked reads over a de-obfuscated body. Any read past the end, or bytes left over at the end,
 * is a `bad-body` protocol error: with an obfuscated body that is how a key mismatch shows (RFC 8907 §4.5).
 */
export class BodyReader {
  private offset = 0;

  constructor(
    private readonly body: Buffer,
    private readonly what: string,
  ) {}

  u8(): number {
    this.need(1);
    const value = this.body.readUInt8(this.offset);
    this.offset += 1;
    return value;
  }

  u16(): number {
    this.need(2);
    const value = this.body.readUInt16BE(this.offset);
    this.offset += 2;
    return value;
  }

  bytes(length: number): Buffer {
    this.need(length);
    const value = this.body.subarray(this.offset, this.offset + length);
    this.offset += length;
    return value;
  }

  text(length: number): string {
    return this.bytes(length).toString('utf8');
  }

  /**
   * Checks, before reading variable fields, that the declared lengths add up to exactly the bytes left:
   * a body whose lengths disagree is refused as a whole.
   */
  expectRemaining(total: number): void {
    const left = this.body.length - this.offset;
    if (total !== left) {
      throw new TacacsProtocolError(
        'bad-body',
        `${this.what}: field lengths add up to ${total} bytes but ${left} remain`,
      );
    }
  }

  private need(length: number): void {
    if (this.offset + length > this.body.length) {
      throw new TacacsProtocolError('bad-body', `${this.what}: body too short`);
    }
  }
}
