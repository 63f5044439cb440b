import { TacacsServer } from '@sessiond/tacacs-server';
import { waitFor } from '@sessiond/test-utils';
import { startHarness, stopSharedRedis, TACACS_KEY, type Harness } from './support/harness';

// Issue 13: with TACACS_SINGLE_CONNECT=true, concurrent logins against a server that handles one
// session at a time per connection (tac_plus -S, our server's `tac-plus` mode) got wrong answers, lost
// accounting STARTs and logged a MaxListenersExceededWarning. 50 distinct users log in at once, with
// authorization and accounting on; every login must get in, every START must be recorded, and the log
// stream must hold no warning.

const COUNT = 50;
const USERS = Array.from({ length: COUNT }, (_, i) => ({
  username: `sc-user${String(i).padStart(2, '0')}`,
  password: `sc-pw-${i}-secret`,
  'priv-lvl': 15,
}));

interface LogLine {
  readonly level: number;
  readonly msg?: string;
}
const PINO_WARN = 40;

afterAll(stopSharedRedis);

describe.each(['tac-plus', 'multiplex'] as const)(
  'TACACS_SINGLE_CONNECT=true against a %s server',
  (mode) => {
    let server: TacacsServer;
    let h: Harness;
    const warnings: Error[] = [];
    const onWarning = (warning: Error): void => {
      warnings.push(warning);
    };

    beforeAll(async () => {
      process.on('warning', onWarning);
      server = new TacacsServer({ key: TACACS_KEY, users: { users: USERS }, singleConnectMode: mode });
      await server.listen();
      h = await startHarness({
        env: {
          TACACS_SERVERS: `127.0.0.1:${server.port}`,
          TACACS_SINGLE_CONNECT: 'true',
          TACACS_ACCOUNTING: 'true',
          AAA_METHODS: 'tacacs',
          // Generous for a loaded CI machine: 150 sessions share the pool of 4 connections.
          AAA_TIMEOUT_MS: '5000',
          AAA_DEADLINE_MS: '15000',
        },
      });
    });

    afterAll(async () => {
      await h.close();
      await server.close();
      process.off('warning', onWarning);
    });

    test('50 concurrent logins of distinct users: all 200, every START recorded, no warning', async () => {
      const answers = await Promise.all(USERS.map((u) => h.login(u.username, u.password)));
      expect(answers.map((a) => a.status)).toEqual(USERS.map(() => 200));
      await waitFor(() => server.stats().accountingRecords === COUNT, {
        message: `${COUNT} accounting records`,
      });
      const stats = server.stats();
      // Authentication and authorization once per login; nothing repeated, nothing lost.
      expect(stats.requests).toEqual({ authentication: COUNT, authorization: COUNT, accounting: COUNT });
      expect(stats.connectionsAccepted).toBeLessThanOrEqual(4);
      const loud = h.logs.map((l) => JSON.parse(l) as LogLine).filter((l) => l.level >= PINO_WARN);
      expect(loud.map((l) => l.msg)).toEqual([]);
      expect(warnings.map((w) => `${w.name}: ${w.message}`)).toEqual([]);
    });
  },
);
