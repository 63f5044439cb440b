import { join } from 'node:path';
import type { Config } from 'jest';

// The fault suite (`npm run test:faults`): the built auth-api as a child process against real
// redis-server and TACACS+ server processes, each case under load on loopback. Cases run one at a
// time (maxWorkers 1): each measures time bounds of the spec ("503 within 1 s", "recovers within
// 2 s"), so no other case may load the machine meanwhile. `tsc -b` must run first (dist/).
const config: Config = {
  displayName: 'faults',
  rootDir: join(__dirname, 'faults'),
  testEnvironment: 'node',
  testMatch: ['<rootDir>/**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: join(__dirname, 'faults', 'tsconfig.json'), diagnostics: false }],
  },
  moduleNameMapper: {
    '^@sessiond/(session-store|tacacs-plus|tacacs-server|passwords|test-utils|client)$':
      '<rootDir>/../packages/$1/src/index.ts',
  },
  maxWorkers: 1,
  // Real servers start, stop and restart in every case; the whole suite runs in about a minute.
  testTimeout: 120_000,
};

export default config;
