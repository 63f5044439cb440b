import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from 'jest';

// One jest project per workspace that has a `test/` folder. Tests import the other workspaces'
// TypeScript sources directly (no build needed). ts-jest only transpiles (isolatedModules in
// tsconfig.base.json): type errors are caught by `npm run typecheck`, which CI runs before the tests.
// (Jest 29 + ts-jest, both pure JavaScript: `npm ci` must work against a registry that only carries
// linux-x64 builds of native packages, which @swc/core and jest 30's resolver need.)
const workspaceDirs = ['packages', 'apps'].flatMap((group) =>
  existsSync(join(__dirname, group))
    ? readdirSync(join(__dirname, group)).map((name) => join(group, name))
    : [],
);

const projects: NonNullable<Config['projects']> = workspaceDirs
  .filter((dir) => existsSync(join(__dirname, dir, 'test')))
  .map((dir) => ({
    displayName: dir,
    rootDir: join(__dirname, dir),
    testEnvironment: 'node',
    testMatch: ['<rootDir>/test/**/*.test.ts'],
    transform: {
      '^.+\\.ts$': ['ts-jest', { tsconfig: join(__dirname, dir, 'tsconfig.json'), diagnostics: false }],
    },
    moduleNameMapper: {
      '^@sessiond/(session-store|tacacs-plus|tacacs-server|passwords|test-utils|client|protocol|env-config)$':
        '<rootDir>/../../packages/$1/src/index.ts',
    },
  }));

// The whole stack (`npm start`), tested from the repository root.
if (existsSync(join(__dirname, 'test'))) {
  projects.push({
    displayName: 'stack',
    rootDir: __dirname,
    testEnvironment: 'node',
    testMatch: ['<rootDir>/test/**/*.test.ts'],
    transform: {
      '^.+\\.ts$': ['ts-jest', { tsconfig: join(__dirname, 'test', 'tsconfig.json'), diagnostics: false }],
    },
    moduleNameMapper: {
      '^@sessiond/(session-store|tacacs-plus|tacacs-server|passwords|test-utils|client|protocol|env-config)$':
        '<rootDir>/packages/$1/src/index.ts',
    },
  });
}

const config: Config = {
  projects,
  // Real servers start and stop in these suites; give them room, but never rely on timing.
  testTimeout: 60_000,
};

export default config;
