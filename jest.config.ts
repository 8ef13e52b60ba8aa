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
// `npx jest --testPathIgnorePatterns '\.int\.spec\.ts$'` runs the unit tests alone.
const config: Config = {
  cacheDirectory: path.join(__dirname, '.cache/jest'),
  // One MariaDB per run, on a free port; clears a killed run's leftovers first.
  globalSetup: '<rootDir>/libs/testing/src/jest/global-setup.ts',
  globalTeardown: '<rootDir>/libs/testing/src/jest/global-teardown.ts',
  projects: [
    { ...shared, displayName: 'libs', testMatch: ['<rootDir>/libs/*/src/**/*.spec.ts'] },
    { ...shared, displayName: 'api', testMatch: ['<rootDir>/apps/api/{src,test}/**/*.spec.ts'] },
    // The bench report generator and the README/docs it writes into (the benches themselves run by hand: `npm run bench`...).
    { ...shared, displayName: 'bench', testMatch: ['<rootDir>/bench/**/*.spec.ts'] },
    // Component tests of the dashboard in jsdom (a real WebSocket to a real ws server included).
    {
      ...shared,
      displayName: 'dashboard',
      testEnvironment: 'jsdom',
      testEnvironmentOptions: { customExportConditions: ['@rrl/source', 'browser'] },
      testMatch: ['<rootDir>/apps/dashboard/src/**/*.spec.{ts,tsx}'],
      transform: { ...shared.transform, '^.+\\.tsx?$': swcTsx as never },
      // ws: the tests' stand-in /ws server runs in Node, so it needs ws's Node build, not its browser stub.
      moduleNameMapper: { '\\.css$': '<rootDir>/apps/dashboard/test/style-stub.cjs', '^ws$': require.resolve('ws') },
      setupFiles: ['<rootDir>/apps/dashboard/test/jsdom-setup.cjs'],
    },
    // The dashboard end to end: real Chromium against the real API, redis-server and database.
    { ...shared, displayName: 'dashboard-e2e', testMatch: ['<rootDir>/apps/dashboard/test/**/*.spec.ts'] },
  ],
};

export default config;
