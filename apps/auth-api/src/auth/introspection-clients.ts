import { createHash, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { verifyPassword } from '@sessiond/passwords';

interface Client {
  readonly id: string;
  /** `sha256:<hex>` (recommended for random machine secrets) or an scrypt hash. */
  readonly secret: string;
}

const SCRYPT_CACHE_MS = 60_000;

/**
 * Services allowed to call introspection (INTROSPECTION_CLIENTS_FILE):
 * `{ "clients": [ { "id": "billing-api", "secret": "sha256:<64 hex>" } ] }`. Secrets are compared
 * as digests in constant time. scrypt hashes are accepted too; since every introspection call
 * authenticates, a verified scrypt secret is remembered (as a digest) for a minute.
 */
export class IntrospectionClients {
  private readonly verified = new Map<string, number>();

  private constructor(private readonly clients: ReadonlyMap<string, Client>) {}

  static none(): IntrospectionClients {
    return new IntrospectionClients(new Map());
  }

  static async load(path: string): Promise<IntrospectionClients> {
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
      clients.set(id, { id, secret });
    });
    return new IntrospectionClients(clients);
  }

  get size(): number {
    return this.clients.size;
  }

  async verify(id: string, secret: string): Promise<boolean> {
    const client = this.clients.get(id);
    const digest = createHash('sha256').update(secret, 'utf8').digest();
    if (client === undefined || !client.secret.startsWith('$scrypt$')) {
      // Unknown clients are compared against a digest too, so timing does not reveal which ids exist.
      const expected = Buffer.from(client?.secret.slice('sha256:'.length) ?? '00'.repeat(32), 'hex');
      return timingSafeEqual(digest, expected) && client !== undefined;
    }
    const cacheKey = `${id}\0${digest.toString('base64')}`;
    const until = this.verified.get(cacheKey);
    if (until !== undefined && until > Date.now()) return true;
    const ok = await verifyPassword(secret, client.secret);
    if (ok) this.verified.set(cacheKey, Date.now() + SCRYPT_CACHE_MS);
    return ok;
  }
}
