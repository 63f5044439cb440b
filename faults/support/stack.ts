import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RedisServer, uniqueKeyPrefix } from '@sessiond/test-utils';
import { AuthApiProcess } from './auth-api-process';
import { TacacsProcess } from './tacacs-process';

export const TACACS_KEY = 'faults-shared-secret-0123456789';
export const ADMIN = { username: 'admin', password: 'admin-pw' } as const;
export const INTROSPECTION_CLIENT = { id: 'faults-api', secret: 'faults-client-secret-0123456789abcdef' };

/** TACACS+ users `user-000` … `user-063`: distinct users, so concurrent logins are not coalesced. */
export const USER_COUNT = 64;

export function user(index: number): { username: string; password: string } {
  const i = String(index % USER_COUNT).padStart(3, '0');
  return { username: `user-${i}`, password: `pw-${i}-secret` };
}

export function basic(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`;
}

export const introspectionAuth = (): string => basic(INTROSPECTION_CLIENT.id, INTROSPECTION_CLIENT.secret);

export interface StackOptions {
  /** TACACS+ server processes, in TACACS_SERVERS order (default 1). */
  readonly tacacsServers?: number;
  /** Redis with append-only persistence (the compose default; default true). */
  readonly appendOnly?: boolean;
  /** Extra redis-server arguments (e.g. the compose file's `--appendfsync everysec`). */
  readonly redisArgs?: readonly string[];
  /** Environment of the auth-api, over the defaults below. */
  readonly env?: Readonly<Record<string, string>>;
  /** TACACS+ users besides `user-NNN` and the admin (the browser suite's alice and bob). */
  readonly extraUsers?: readonly StackUser[];
}

export interface StackUser {
  readonly username: string;
  readonly password: string;
  readonly 'priv-lvl': number;
}

/** Real redis-server, the project's TACACS+ server(s) and the built auth-api, wired as in production. */
export class Stack {
  private readonly apis: AuthApiProcess[] = [];

  private constructor(
    readonly dir: string,
    readonly redis: RedisServer,
    readonly tacacs: TacacsProcess[],
  ) {}

  static async start(options: StackOptions = {}): Promise<Stack> {
    const dir = mkdtempSync(join(tmpdir(), 'sessiond-faults-'));
    writeFiles(dir, options.extraUsers ?? []);
    const redis = await RedisServer.start({
      appendOnly: options.appendOnly ?? true,
      ...(options.redisArgs !== undefined ? { extraArgs: options.redisArgs } : {}),
    });
    const tacacs: TacacsProcess[] = [];
    const stack = new Stack(dir, redis, tacacs);
    try {
      for (let i = 0; i < (options.tacacsServers ?? 1); i += 1) {
        tacacs.push(await TacacsProcess.start(join(dir, 'tacacs-users.json'), join(dir, 'tacacs.key')));
      }
      await stack.startApi(options.env);
    } catch (error) {
      await stack.close();
      throw error;
    }
    return stack;
  }

  /** The first auth-api of the stack. */
  get api(): AuthApiProcess {
    const api = this.apis[0];
    if (api === undefined) throw new Error('no auth-api started');
    return api;
  }

  /** Starts one more auth-api on this Redis and these TACACS+ servers (its own key prefix). */
  async startApi(env: Readonly<Record<string, string>> = {}): Promise<AuthApiProcess> {
    const api = await AuthApiProcess.start({
      REDIS_URL: this.redis.url,
      REDIS_KEY_PREFIX: uniqueKeyPrefix('faults'),
      AAA_METHODS: 'tacacs',
      TACACS_SERVERS: this.tacacs.map((t) => t.address).join(','),
      TACACS_SECRET: TACACS_KEY,
      INTROSPECTION_CLIENTS_FILE: join(this.dir, 'introspection-clients.json'),
      ADMIN_USERS: ADMIN.username,
      // Everything else at its production default unless the case sets it.
      ...env,
    });
    this.apis.push(api);
    return api;
  }

  /** Stops everything, whatever state a case left it in. */
  async close(): Promise<void> {
    await Promise.all(this.apis.map((api) => api.stop()));
    await Promise.all(this.tacacs.map((t) => t.kill()));
    await this.redis.destroy();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

function writeFiles(dir: string, extraUsers: readonly StackUser[]): void {
  const users = [
    ...Array.from({ length: USER_COUNT }, (_, i) => ({ ...user(i), 'priv-lvl': 15 })),
    { ...ADMIN, 'priv-lvl': 15 },
    ...extraUsers,
  ];
  writeFileSync(join(dir, 'tacacs-users.json'), JSON.stringify({ users }));
  writeFileSync(join(dir, 'tacacs.key'), `${TACACS_KEY}\n`, { mode: 0o600 });
  const digest = createHash('sha256').update(INTROSPECTION_CLIENT.secret).digest('hex');
  writeFileSync(
    join(dir, 'introspection-clients.json'),
    JSON.stringify({ clients: [{ id: INTROSPECTION_CLIENT.id, secret: `sha256:${digest}` }] }),
  );
}
