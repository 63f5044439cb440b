import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { createRedisClient, waitUntilReady } from '@sessiond/session-store';
import { hashPassword } from '@sessiond/passwords';
import { RedisServer, freePort } from '@sessiond/test-utils';
import { startProcess, type Running } from '../common/processes';
import { machineLine, markdownTable } from '../common/table';
import type { Answer, Target } from './client';
import {
  ABANDONED,
  ABANDON_AFTER_MS,
  CLIENT,
  LOCAL_USERS,
  SPRAYED_USERS,
  WRONG_SECRETS,
  abandonedLogins,
  passwordSpraying,
  wrongClientSecrets,
} from './scenarios';

// `npm run bench:abuse`: issue 12's abuse figures, before (as the issue measured them) and after
// (this build, production defaults): abandoned logins, password spraying, wrong client secrets.
// ABUSE_MAIN=<path of another build's apps/auth-api/dist/main.js> measures that build instead.
const ROOT = join(__dirname, '..', '..', '..');
const MAIN = process.env['ABUSE_MAIN'] ?? join(ROOT, 'apps', 'auth-api', 'dist', 'main.js');

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'sessiond-bench-abuse-'));
  const redisServer = await RedisServer.start();
  const redis = createRedisClient({ url: redisServer.url }) as Redis;
  await waitUntilReady(redis, 5000);
  const running: Running[] = [];
  try {
    await writeFiles(dir);
    const api = async (prefix: string): Promise<Target> => {
      const [port, managementPort] = [await freePort(), await freePort()];
      running.push(
        await startProcess(
          prefix,
          [MAIN],
          {
            PORT: String(port),
            HOST: '127.0.0.1',
            MANAGEMENT_PORT: String(managementPort),
            USER_TAG_SECRET: 'bench-user-tag-secret-0123456789',
            REDIS_URL: redisServer.url,
            REDIS_KEY_PREFIX: prefix,
            AAA_METHODS: 'local',
            LOCAL_USERS_FILE: join(dir, 'local-users.json'),
            INTROSPECTION_CLIENTS_FILE: join(dir, 'clients.json'),
          },
          'sessiond auth-api listening',
        ),
      );
      return { port, managementPort };
    };

    const abandoned = await abandonedLogins(await api('abandoned'), redis, 'abandoned');
    process.stderr.write('abuse: abandoned logins done\n');
    const spraying = await passwordSpraying(await api('spraying'));
    process.stderr.write('abuse: password spraying done\n');
    const secrets = await wrongClientSecrets(await api('secrets'));
    process.stderr.write('abuse: wrong client secrets done\n');

    const answer = (a: Answer | undefined): string =>
      a === undefined
        ? 'no answer'
        : `${a.status}${a.code !== undefined ? ` ${a.code}` : ''} in ${Math.round(a.ms)} ms`;
    const metric = (value: number | undefined, what: string): string =>
      value === undefined ? '' : `; metrics: ${value} ${what}`;
    process.stdout.write(
      `\n## Abuse limits (issue 12)\n\n${new Date().toISOString()}, ${machineLine()}; ${MAIN === join(ROOT, 'apps', 'auth-api', 'dist', 'main.js') ? 'this build' : MAIN}, production defaults, local AAA with real scrypt cost (ln=14)\n\n`,
    );
    process.stdout.write(
      `${markdownTable(
        ['measurement', 'before (issue 12)', 'this run'],
        [
          [
            `a real login sent once ${ABANDONED} wrong-password logins were dropped by their clients after ${ABANDON_AFTER_MS} ms`,
            '3.9 s',
            answer(abandoned.after),
          ],
          [
            'a real login sent right after them, before their clients went away',
            '',
            answer(abandoned.during),
          ],
          [
            `of the ${ABANDONED} abandoned logins: hashed`,
            `${ABANDONED}`,
            `${abandoned.hashed}${metric(abandoned.abandonedMetric, 'dropped unhashed')}${metric(abandoned.overloadedMetric, 'refused, queue full')}`,
          ],
          [
            `of the ${ABANDONED} abandoned logins: counted as failures`,
            `${ABANDONED}`,
            `${abandoned.countedForUser} (the user's right password afterwards: ${answer(abandoned.rightPassword)})`,
          ],
          [
            `${SPRAYED_USERS} distinct usernames, wrong password, one address: refused (429)`,
            '0 (never throttled)',
            `${spraying.refused}${spraying.firstRefusedAt !== undefined ? `, from attempt ${spraying.firstRefusedAt}` : ''} (${spraying.rejected} × 401)`,
          ],
          [
            `${WRONG_SECRETS} wrong introspection client secrets, one client id and address: refused (429)`,
            '0 (never throttled)',
            `${secrets.refused} (${secrets.rejected} × 401); the right secret next: ${secrets.rightSecret ?? 'no answer'}`,
          ],
        ],
      )}\n`,
    );
  } finally {
    for (const r of running.reverse()) await r.stop();
    redis.disconnect();
    await redisServer.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function writeFiles(dir: string): Promise<void> {
  const users = await Promise.all(
    Object.entries(LOCAL_USERS).map(async ([username, password]) => ({
      username,
      scrypt: await hashPassword(password),
      'priv-lvl': 15,
    })),
  );
  writeFileSync(join(dir, 'local-users.json'), JSON.stringify({ users }));
  const digest = createHash('sha256').update(CLIENT.secret).digest('hex');
  writeFileSync(
    join(dir, 'clients.json'),
    JSON.stringify({ clients: [{ id: CLIENT.id, secret: `sha256:${digest}` }] }),
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
