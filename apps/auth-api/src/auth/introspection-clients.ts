import { readFile } from 'node:fs/promises';
import { verifyPassword } from '@sessiond/passwords';
import { sameDigest, secretDigest } from '@sessiond/session-store';
import { WatchedFile } from '../files/watched-file';
import type { Logger } from '../logger';

interface Client {
  readonly id: string;
  /** `sha256:<hex>` (recommended for random machine secrets) or an scrypt hash. */
  readonly secret: string;
  /**
   * The `sha256:` digest as a latin1 string (a character per byte), decoded once when the file is
   * read: every introspection compares it with secretDigest (a string result is 4 × cheaper than a
   * Buffer one, session-store/src/digest.ts).
   */
  readonly digest?: string;
}

/** What unknown client ids are compared against, so that timing does not tell them apart. */
const NO_DIGEST = '\0'.repeat(32);

const SCRYPT_CACHE_MS = 60_000;

/**
 * Services allowed to call introspection (INTROSPECTION_CLIENTS_FILE):
 * `{ "clients": [ { "id": "billing-api", "secret": "sha256:<64 hex>" } ] }`. Secrets are compared
 * as digests in constant time. scrypt hashes are accepted too; since every introspection call
 * authenticates, a verified scrypt secret is remembered (as a digest) for a minute, and forgotten at
 * once when the file changes. The file is re-read when it changes (a client added or revoked takes
 * effect without a restart); a version that fails to load is reported and the previous one stays.
 */
export class IntrospectionClients {
  private readonly verified = new Map<string, number>();
  private generation = 0;

  private constructor(
    private readonly source: { readonly current: ReadonlyMap<string, Client>; readonly reloads: number },
    private readonly file: WatchedFile<ReadonlyMap<string, Client>> | undefined,
  ) {}

  static none(): IntrospectionClients {
    return new IntrospectionClients({ current: new Map(), reloads: 0 }, undefined);
  }

  static async open(path: string, logger: Logger): Promise<IntrospectionClients> {
    const file = await WatchedFile.open(path, loadClients, logger, 'introspection clients file');
    return new IntrospectionClients(file, file);
  }

  /** How many times the file was read (tests wait for a change to land). */
  get reloads(): number {
    return this.source.reloads;
  }

  close(): void {
    this.file?.close();
  }

  get size(): number {
    return this.source.current.size;
  }

  async verify(id: string, secret: string): Promise<boolean> {
    if (this.generation !== this.source.reloads) {
      // A new version of the file: a revoked client or a changed secret must not pass from the cache.
      this.verified.clear();
      this.generation = this.source.reloads;
    }
    const client = this.source.current.get(id);
    const digest = secretDigest(secret);
    if (client === undefined || !client.secret.startsWith('$scrypt$')) {
      // Unknown clients are compared against a digest too, so timing does not reveal which ids exist.
      return sameDigest(digest, client?.digest ?? NO_DIGEST) && client !== undefined;
    }
    const cacheKey = `${id}\0${digest}`;
    const until = this.verified.get(cacheKey);
    if (until !== undefined && until > Date.now()) return true;
    const ok = await verifyPassword(secret, client.secret);
    if (ok) this.verified.set(cacheKey, Date.now() + SCRYPT_CACHE_MS);
    return ok;
  }
}

/** Reads and checks the clients file. */
async function loadClients(path: string): Promise<ReadonlyMap<string, Client>> {
  let document: unknown;
  try {
    document = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new Error(
      `introspection clients file ${path}: ${(error as NodeJS.ErrnoException).code ?? 'not valid JSON'}`,
    );
  }
  const list = (document as { clients?: unknown }).clients;
  if (!Array.isArray(list))
    throw new Error(`introspection clients file ${path}: expected { "clients": [ … ] }`);
  const clients = new Map<string, Client>();
  list.forEach((entry: unknown, i) => {
    const { id, secret } = (entry ?? {}) as { id?: unknown; secret?: unknown };
    if (typeof id !== 'string' || id === '' || typeof secret !== 'string') {
      throw new Error(`introspection clients file ${path}: clients[${i}] needs string "id" and "secret"`);
    }
    if (!/^sha256:[0-9a-f]{64}$/.test(secret) && !secret.startsWith('$scrypt$')) {
      throw new Error(
        `introspection clients file ${path}: clients[${i}].secret must be sha256:<hex> or an scrypt hash`,
      );
    }
    if (clients.has(id)) throw new Error(`introspection clients file ${path}: duplicate id "${id}"`);
    clients.set(id, {
      id,
      secret,
      ...(secret.startsWith('sha256:')
        ? { digest: Buffer.from(secret.slice('sha256:'.length), 'hex').toString('latin1') }
        : {}),
    });
  });
  return clients;
}
