// One lint config for the whole tree, type-aware (typescript-eslint): the rules that catch what tests miss
// in async Node code (a floating promise, a promise passed where a callback is expected) and keep type-only
// imports erasable. Formatting is Prettier's job (`npm run format`), so no stylistic rules here.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      '**/coverage/**',
      'data/**',
      'apps/dashboard/test-results/**',
      '**/*.cjs',
      '**/*.mjs',
      // Jest's config is loaded by esbuild-register, outside every tsconfig project.
      'jest.config.ts',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        // apps/api/tsconfig.json includes every lib's sources, the API's tests and bench/; the dashboard has its own (app, and app + tests).
        project: [
          './apps/api/tsconfig.json',
          './apps/dashboard/tsconfig.json',
          './apps/dashboard/tsconfig.test.json',
          './apps/dashboard/tsconfig.e2e.json',
        ],
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // Off: methods that implement a Promise-returning interface (chaos drivers, fakes) are `async` without
      // an `await` on purpose, so that a synchronous throw becomes a rejection like in every other driver.
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    files: ['**/*.spec.ts', '**/*.spec.tsx', '**/test/**/*.ts', 'apps/dashboard/src/testing/**'],
    rules: {
      // Off in tests only: Jest's asymmetric matchers (expect.any, expect.objectContaining) and supertest's
      // response bodies are typed `any` by their libraries; asserting on them is the point of a test.
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
    },
  },
);
