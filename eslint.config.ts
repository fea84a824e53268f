import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import type { Linter } from 'eslint';
import tseslint from 'typescript-eslint';

const ELECTRON_MESSAGE =
  'Only src-main/app/** (the Electron shell) may import electron; the core must run under plain Node.';

/** The core runs under plain Node: only the Electron shell may import electron, in any form. */
export const noElectronOutsideShell: Linter.RulesRecord = {
  'no-restricted-imports': [
    'error',
    {
      paths: [
        {
          name: 'electron',
          message: ELECTRON_MESSAGE,
        },
      ],
    },
  ],
  'no-restricted-syntax': [
    'error',
    { selector: "CallExpression[callee.name='require'][arguments.0.value='electron']", message: ELECTRON_MESSAGE },
    { selector: "ImportExpression[source.value='electron']", message: ELECTRON_MESSAGE },
  ],
};

export default tseslint.config(
  { ignores: ['dist/**', 'release/**', 'node_modules/**', 'coverage/**', 'test-results/**', 'playwright-report/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['src-main/**/*.{ts,cts,mts}', 'dept-inbox/**/*.ts'],
    ignores: ['src-main/app/**'],
    rules: noElectronOutsideShell,
  },
  {
    // The inbox's records are async (SQLite or PostgreSQL behind one interface): a missed
    // `await` would read a Promise as a row, so these files are checked with types.
    files: [
      'dept-inbox/**/*.ts',
      'src-main/demo/embedded-inbox.ts',
      'tests/main/sync/**/*.ts',
      'tests/main/calls/**/*.ts',
      'tests/main/installer/**/*.ts',
      'tests/e2e/approver-call-console.spec.ts',
      'tests/e2e/applicant-side.spec.ts',
    ],
    languageOptions: { parserOptions: { projectService: true } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/restrict-template-expressions': [
        'error',
        { allowNumber: true, allowBoolean: true, allowNullish: true, allowAny: true, allowNever: true },
      ],
      '@typescript-eslint/restrict-plus-operands': ['error', { allowNumberAndString: true, allowAny: true }],
    },
  },
  {
    files: ['src-main/app/preload.cts'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['src-renderer/**/*.{ts,tsx}', 'tests/renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      ...noElectronOutsideShell,
    },
  },
);
