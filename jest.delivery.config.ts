import { join } from 'node:path';
import type { Config } from 'jest';

// The delivery suite (`npm run test:delivery`, run by CI after the fault suite): what users install
// and paste, tried as they would. The packages packed from a clean checkout and installed outside
// the repository, the README's curl walkthrough against `npm start`, the Java and Python recipes
// against the running stack. Slow (npm installs, JVM, whole stacks), so not part of `npm test`;
// one case at a time. `tsc -b` must run first (dist/).
const config: Config = {
  displayName: 'delivery',
  rootDir: join(__dirname, 'delivery'),
  testEnvironment: 'node',
  testMatch: ['<rootDir>/**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: join(__dirname, 'delivery', 'tsconfig.json'), diagnostics: false }],
  },
  moduleNameMapper: {
    '^@sessiond/(session-store|tacacs-plus|tacacs-server|passwords|test-utils|client|protocol|env-config)$':
      '<rootDir>/../packages/$1/src/index.ts',
  },
  maxWorkers: 1,
  testTimeout: 600_000,
};

export default config;
