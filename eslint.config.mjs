// ESLint (flat config): Next's rules (core web vitals, React, hooks, a11y, import), typescript-eslint with
// type information for the TypeScript sources. `npm run lint`; scripts/test.mjs runs it before the tests.
import { defineConfig, globalIgnores } from 'eslint/config';
import nextVitals from 'eslint-config-next/core-web-vitals';
import nextTs from 'eslint-config-next/typescript';
import tseslint from 'typescript-eslint';

// The client/server boundary: the page (components/, app/ but its route handlers) imports what it shares with
// the server from shared/ only. From server/ it may import just the router's type (erased at build: tRPC's
// way to type the client). test/unit/boundary.test.ts lints examples against this block.
export const clientBoundary = {
  files: ['components/**', 'app/**'],
  ignores: ['app/api/**'],
  rules: {
    '@typescript-eslint/no-restricted-imports': [
      'error',
      {
        patterns: [
          {
            regex: String.raw`^(@/|(\.\./)+)server(/(?!api/root$).*)?$`,
            message: 'client code imports no server module: move what both sides use to shared/ (shared/README.md)',
          },
          {
            regex: String.raw`^(@/|(\.\./)+)server/api/root$`,
            allowTypeImports: true,
            message: 'client code takes only the router type from server/api/root: `import type { AppRouter }`',
          },
        ],
      },
    ],
  },
};

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
  clientBoundary,
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
