import { availableParallelism } from 'node:os';
import { envInt, envReadableFile } from '@sessiond/env-config';
import { z } from 'zod';
import { ConfigError } from '../../config-error';
import type { AaaMethodDefinition } from '../registry';
import { LocalMethod, LOCAL_METHOD_NAME, type LocalHashSettings } from './local-method';
import { LocalUsers } from './local-users';
import { HASH_DEFAULTS, HASH_PRIORITIES } from './password-verifier';

export interface LocalSettings {
  /** LOCAL_USERS_FILE: scrypt hashes and priv-lvl, re-read when it changes. */
  readonly usersFile: string | undefined;
  /** LOCAL_HASH_CONCURRENCY, LOCAL_HASH_QUEUE_MAX, LOCAL_HASH_PRIORITY: the hashing threads and their queue. */
  readonly hashing: LocalHashSettings;
}

const env = {
  LOCAL_USERS_FILE: envReadableFile.optional(),
  LOCAL_HASH_CONCURRENCY: envInt(1, 256).default(Math.max(1, Math.floor(availableParallelism() / 2))),
  LOCAL_HASH_QUEUE_MAX: envInt(0, 100_000).default(HASH_DEFAULTS.queueMax),
  LOCAL_HASH_PRIORITY: z
    .enum(HASH_PRIORITIES, { error: `must be one of ${HASH_PRIORITIES.join(', ')}` })
    .default(HASH_DEFAULTS.priority),
};

/** Local users (break-glass accounts, or the only method): `local` in AAA_METHODS. */
export const localDefinition: AaaMethodDefinition<'local', typeof env, LocalSettings> = {
  key: 'local',
  name: LOCAL_METHOD_NAME,
  summary: 'users of LOCAL_USERS_FILE (scrypt hashes)',
  env,
  secretVariables: [],
  secretPatterns: [],
  isUsed: (listed) => listed,
  settings({ values, only }, problems) {
    if (only && values.LOCAL_USERS_FILE === undefined) {
      problems.push('LOCAL_USERS_FILE: required when local is the only AAA method');
    }
    return {
      usersFile: values.LOCAL_USERS_FILE,
      hashing: {
        concurrency: values.LOCAL_HASH_CONCURRENCY,
        queueMax: values.LOCAL_HASH_QUEUE_MAX,
        priority: values.LOCAL_HASH_PRIORITY,
      },
    };
  },
  async create(settings, { logger, metrics }) {
    if (settings.usersFile === undefined) {
      logger.warn('AAA_METHODS lists local but LOCAL_USERS_FILE is not set: the local method is skipped');
      return new LocalMethod(undefined, settings.hashing, metrics);
    }
    const users = await LocalUsers.open(settings.usersFile, logger).catch((error: unknown) => {
      throw new ConfigError([`LOCAL_USERS_FILE: ${(error as Error).message}`]);
    });
    return new LocalMethod(users, settings.hashing, metrics);
  },
};
