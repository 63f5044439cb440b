import { join } from 'node:path';
import type { Config } from 'jest';

// The browser suite (`npm run test:browser`): the operator console in Debian's headless Chromium,
// driven by playwright-core, against the real stack (redis-server, the project's TACACS+ server and
// the built auth-api as processes). `npm run build` must run first (dist/, and the console bundle).
// Screenshots of each page go to .ci/out/console-*.png.
const config: Config = {
  displayName: 'browser',
  rootDir: join(__dirname, 'browser'),
  testEnvironment: 'node',
  testMatch: ['<rootDir>/**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: join(__dirname, 'browser', 'tsconfig.json'), diagnostics: false }],
  },
  moduleNameMapper: {
    '^@sessiond/(session-store|tacacs-plus|tacacs-server|passwords|test-utils|client|protocol|env-config)$':
      '<rootDir>/../packages/$1/src/index.ts',
  },
  maxWorkers: 1,
  testTimeout: 120_000,
};

export default config;
