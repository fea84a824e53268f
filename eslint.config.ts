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
