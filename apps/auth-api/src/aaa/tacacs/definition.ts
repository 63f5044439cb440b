import {
  envBool,
  envInt,
  resolveTacacsServers,
  resolveTacacsTls,
  tacacsEnv,
  TACACS_KEY_SECRETS,
} from '@sessiond/env-config';
import { z } from 'zod';
import type { AaaMethodDefinition } from '../registry';
import type { TacacsSettings } from './settings';
import { TacacsMethod, TACACS_METHOD_NAME } from './tacacs-method';

const env = {
  ...tacacsEnv,
  TACACS_AUTH_TYPE: z
    .enum(['pap', 'ascii', 'chap'], { error: "must be 'pap', 'ascii' or 'chap'" })
    .default('pap'),
  TACACS_AUTHORIZATION: envBool.default(true),
  TACACS_ACCOUNTING: envBool.default(false),
  TACACS_SINGLE_CONNECT: envBool.default(false),
  TACACS_SINGLE_CONNECT_POOL: envInt(1, 64).default(4),
  TACACS_HOLD_DOWN_MS: envInt(0, 3_600_000).default(30_000),
};

const accountingOn = (present: Readonly<Record<string, string>>): boolean =>
  /^(true|1|yes)$/i.test(present['TACACS_ACCOUNTING']?.trim() ?? '');

/** TACACS+ servers (Cisco ISE, tac_plus, …): `tacacs` in AAA_METHODS; also used for accounting. */
export const tacacsDefinition: AaaMethodDefinition<'tacacs', typeof env, TacacsSettings> = {
  key: 'tacacs',
  name: TACACS_METHOD_NAME,
  summary: 'TACACS+ servers (RFC 8907), tried in order with failover, retries and hold-down',
  env,
  secretVariables: ['TACACS_SECRET'],
  secretPatterns: [TACACS_KEY_SECRETS],
  isUsed: (listed, present) => listed || accountingOn(present),
  settings({ values, present, unresolved, common }, problems) {
    const entries = values.TACACS_SERVERS;
    if (entries === undefined && present['TACACS_SERVERS'] === undefined) {
      problems.push('TACACS_SERVERS: required when AAA_METHODS includes tacacs or TACACS_ACCOUNTING is true');
    }
    const tls = resolveTacacsTls(present, problems);
    const servers = resolveTacacsServers(entries, { present, unresolved }, problems, tls);
    return {
      servers,
      tls,
      authType: values.TACACS_AUTH_TYPE,
      authorization: values.TACACS_AUTHORIZATION,
      accounting: values.TACACS_ACCOUNTING,
      singleConnect: values.TACACS_SINGLE_CONNECT,
      singleConnectPool: values.TACACS_SINGLE_CONNECT_POOL,
      holdDownMs: values.TACACS_HOLD_DOWN_MS,
      sourceAddress: values.TACACS_SOURCE_ADDRESS,
      portName: values.TACACS_PORT_NAME,
      timeoutMs: common.timeoutMs,
      retries: common.retries,
    };
  },
  create: (settings, { logger, metrics }) => Promise.resolve(new TacacsMethod(settings, metrics, logger)),
};
