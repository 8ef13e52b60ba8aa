/** @jest-config-loader esbuild-register */
// One root config for every project. Tests run against TypeScript sources: workspace libs
// resolve through their "@rrl/source" export condition, so no build is needed first.
import path from 'node:path';
import type { Config } from 'jest';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { esmTransformIgnorePatterns } = require('./tools/jest/esm-packages.cjs');

const swcTs = [
  '@swc/jest',
  {
    swcrc: false,
    jsc: {
      parser: { syntax: 'typescript', decorators: true, tsx: true },
      transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
      target: 'es2022',
      keepClassNames: true,
    },
    module: { type: 'commonjs' },
    sourceMaps: 'inline',
  },
];

/** The dashboard's TSX: React's automatic JSX runtime, as Vite compiles it. */
const swcTsx = [
  '@swc/jest',
  {
    swcrc: false,
    jsc: { parser: { syntax: 'typescript', tsx: true }, transform: { react: { runtime: 'automatic' } }, target: 'es2022' },
    module: { type: 'commonjs' },
    sourceMaps: 'inline',
  },
];

const shared: Config = {
  testEnvironment: 'node',
  testEnvironmentOptions: { customExportConditions: ['@rrl/source', 'node', 'node-addons'] },
  moduleFileExtensions: ['ts', 'tsx', 'js', 'mjs', 'cjs', 'json'],
  transform: {
    '^.+\\.tsx?$': swcTs as never,
    '^.+\\.m?js$': path.join(__dirname, 'tools/jest/swc-esm-to-cjs.cjs'),
  },
  // Nest 12 and some fastify deps are ESM-only; Jest cannot require() ESM (tools/jest/esm-packages.cjs).
  transformIgnorePatterns: esmTransformIgnorePatterns(path.join(__dirname, 'node_modules')),
  setupFiles: ['reflect-metadata'],
};

// `*.spec.ts` matches both kinds of test: `*.int.spec.ts` starts or talks to a real server
// (redis-server, MariaDB, the Docker engine, the HTTP app); any other `*.spec.ts` is a unit test.
// Each kind is its own project, so each gets the timeout that fits what it waits for:
// `npx jest --selectProjects libs api dashboard` runs the unit tests alone.
const INT = '**/*.int.spec.ts';

/** A project whose tests get `testTimeoutMs` unless a test or hook gives its own (tools/jest/test-timeout.cjs). */
const project = (testTimeoutMs: number, p: Config): Config => ({
  ...shared,
  ...p,
  globals: { testTimeoutMs },
  setupFilesAfterEnv: [path.join(__dirname, 'tools/jest/test-timeout.cjs')],
});

// Units run on fake timers or in-memory fakes: 5 s is Jest's default, ample even on a starved core.
const UNIT_TIMEOUT_MS = 5_000;
// Integration tests start servers and wait for states (ready, reconnecting, a run's end) bounded
// by their own waitFor timeouts (10-20 s); 60 s leaves those the room to fail with their own
// message first. Tests that wait longer (Sentinel, compose, loop tests) set their own.
const INT_TIMEOUT_MS = 60_000;

const config: Config = {
  cacheDirectory: path.join(__dirname, '.cache/jest'),
  // One MariaDB per run, on a free port; clears a killed run's leftovers first.
  globalSetup: '<rootDir>/libs/testing/src/jest/global-setup.ts',
  globalTeardown: '<rootDir>/libs/testing/src/jest/global-teardown.ts',
  projects: [
    project(UNIT_TIMEOUT_MS, {
      displayName: 'libs',
      testMatch: ['<rootDir>/libs/*/src/**/*.spec.ts'],
      testPathIgnorePatterns: ['/node_modules/', '\\.int\\.spec\\.ts$'],
    }),
    project(INT_TIMEOUT_MS, { displayName: 'libs-int', testMatch: [`<rootDir>/libs/*/src/${INT}`] }),
    project(UNIT_TIMEOUT_MS, {
      displayName: 'api',
      testMatch: ['<rootDir>/apps/api/{src,test}/**/*.spec.ts'],
      testPathIgnorePatterns: ['/node_modules/', '\\.int\\.spec\\.ts$'],
    }),
    project(INT_TIMEOUT_MS, { displayName: 'api-int', testMatch: [`<rootDir>/apps/api/{src,test}/${INT}`] }),
    // The bench report generator and the README/docs it writes into (the benches themselves run by hand: `npm run bench`...).
    project(UNIT_TIMEOUT_MS, { displayName: 'bench', testMatch: ['<rootDir>/bench/**/*.spec.ts'] }),
    // Component tests of the dashboard in jsdom (a real WebSocket to a real ws server included):
    // rendering under jsdom on a busy core takes seconds, hence more than the other units.
    project(15_000, {
      displayName: 'dashboard',
      testEnvironment: 'jsdom',
      testEnvironmentOptions: { customExportConditions: ['@rrl/source', 'browser'] },
      testMatch: ['<rootDir>/apps/dashboard/src/**/*.spec.{ts,tsx}'],
      transform: { ...shared.transform, '^.+\\.tsx?$': swcTsx as never },
      // ws: the tests' stand-in /ws server runs in Node, so it needs ws's Node build, not its browser stub.
      moduleNameMapper: { '\\.css$': '<rootDir>/apps/dashboard/test/style-stub.cjs', '^ws$': require.resolve('ws') },
      setupFiles: ['<rootDir>/apps/dashboard/test/jsdom-setup.cjs'],
    }),
    // The dashboard end to end: real Chromium against the real API, redis-server and database;
    // one page step waits on the live feed and a chaos run, so more than the other integration tests.
    project(120_000, { displayName: 'dashboard-e2e', testMatch: ['<rootDir>/apps/dashboard/test/**/*.spec.ts'] }),
  ],
};

export default config;
