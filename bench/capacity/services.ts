import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '@sessiond/test-utils';
import { startProcess, type Running } from '../common/processes';

// Compiled to bench/dist/capacity: the repository root is three levels up.
const ROOT = join(__dirname, '..', '..', '..');
const AUTH_API = join(ROOT, 'apps', 'auth-api', 'dist', 'main.js');
const TACACS_CLI = join(ROOT, 'packages', 'tacacs-server', 'dist', 'cli', 'server-cli.js');
const TACACS_KEY = 'capacity-shared-secret-0123456789';
// bench/http's floor peer: node:http and one ioredis GET of `bare:<token>` (issue 15, deliverable 1).
const RAW_FLOOR = join(ROOT, 'bench', 'dist', 'http', 'servers', 'raw.js');

/** The introspection client the loads authenticate as (POST /introspect). */
export const INTROSPECTION_CLIENT = { id: 'capacity-client', secret: 'capacity-client-secret' };

/** A started process whose CPU time can be read (/proc/<pid>/stat). */
export interface Measured extends Running {
  readonly pid: number;
  readonly port: number;
}

/** The TACACS+ users the login load signs in as: `t<i>` with password `pw-<i>`, priv-lvl 15. */
export function tacacsUser(i: number): { username: string; password: string } {
  return { username: `t${i}`, password: `pw-${i}` };
}

/** The project's TACACS+ server (sessiond-tacacs-server) in its own process, quiet. */
export async function startTacacs(dir: string, users: number): Promise<Measured> {
  writeFileSync(
    join(dir, 'tacacs-users.json'),
    JSON.stringify({
      users: Array.from({ length: users }, (_, i) => ({ ...tacacsUser(i), 'priv-lvl': 15 })),
    }),
  );
  writeFileSync(join(dir, 'tacacs-key'), TACACS_KEY);
  const port = await freePort();
  const args = ['--users', join(dir, 'tacacs-users.json'), '--key-file', join(dir, 'tacacs-key')];
  const running = await startProcess(
    'tacacs',
    [TACACS_CLI, ...args, '--port', String(port), '--quiet'],
    {},
    'listening',
  );
  return withPid(running, port);
}

/**
 * The auth-api with TACACS+ as its only AAA method and the default session policy (5 per user;
 * evict-oldest so that the login load never hits the limit), an introspection client, and
 * TACACS_SINGLE_CONNECT as given. Logging stays at its default (info), as in production.
 */
export async function startAuthApi(
  dir: string,
  name: string,
  redisUrl: string,
  tacacs: Measured,
  singleConnect: boolean,
): Promise<Measured> {
  const clients = join(dir, 'clients.json');
  const digest = createHash('sha256').update(INTROSPECTION_CLIENT.secret).digest('hex');
  writeFileSync(
    clients,
    JSON.stringify({ clients: [{ id: INTROSPECTION_CLIENT.id, secret: `sha256:${digest}` }] }),
  );
  const port = await freePort();
  const running = await startProcess(
    name,
    [AUTH_API],
    {
      PORT: String(port),
      MANAGEMENT_PORT: '0',
      HOST: '127.0.0.1',
      USER_TAG_SECRET: 'capacity-user-tag-secret-0123456789',
      REDIS_URL: redisUrl,
      AAA_METHODS: 'tacacs',
      TACACS_SERVERS: `127.0.0.1:${tacacs.port}`,
      TACACS_SECRET: TACACS_KEY,
      TACACS_SINGLE_CONNECT: String(singleConnect),
      SESSION_LIMIT_POLICY: 'evict-oldest',
      INTROSPECTION_CLIENTS_FILE: clients,
    },
    'sessiond auth-api listening',
  );
  return withPid(running, port);
}

function withPid(running: Running, port: number): Measured {
  const pid = running.child.pid;
  if (pid === undefined) throw new Error(`${running.name} has no pid`);
  return Object.assign(running, { pid, port });
}

/**
 * bench/http's raw floor (node:http, one GET of `bare:<token>`, no framework): a reference for what
 * any Redis-backed token check costs on this machine, so the figures can be scaled to another one.
 */
export async function startRawFloor(redisUrl: string): Promise<Measured> {
  const port = await freePort();
  return withPid(await startProcess('raw floor', [RAW_FLOOR, String(port), redisUrl], {}, 'ready'), port);
}
