// ESLint (flat config): Next's rules (core web vitals, React, hooks, a11y, import), typescript-eslint with
// type information for the TypeScript sources. `npm run lint`; scripts/test.mjs runs it before the tests.
import { defineConfig, globalIgnores } from 'eslint/config';
import nextVitals from 'eslint-config-next/core-web-vitals';
import nextTs from 'eslint-config-next/typescript';
import tseslint from 'typescript-eslint';

export default defineConfig([
  ...nextVitals,
  ...nextTs,
  {
    files: ['**/*.ts', '**/*.tsx'],
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
  },
  {
    rules: {
      // a missing dependency is a stale closure: a bug here, not a style point
      'react-hooks/exhaustive-deps': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // tests and benches read JSON from HTTP and processes, and fake async runners: `any` and sync async are fine there
    files: ['test/**', 'bench/**'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/require-await': 'off',
    },
  },
  globalIgnores([
    '.next/**',
    'node_modules/**',
    'dist/**',
    'next-env.d.ts',
    'test-results/**',
    '.labvm-build-*/**',
    'bench/out/**',
    'tmp/**',
    '.scratch/**',
  ]),
]);
