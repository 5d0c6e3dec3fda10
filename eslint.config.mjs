import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';
import globals from 'globals';

export default tseslint.config(
  {
    ignores: ['**/dist/**', '**/node_modules/**', '.cache/**', '.stack/**', 'results/**', '**/generated/**'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': ['error', { allow: ['error', 'warn'] }],
    },
  },
  {
    files: ['**/*.mjs', '**/*.js', 'tools/**', 'load-tests/**', '**/*.cli.ts'],
    rules: { 'no-console': 'off' },
  },
  // Node scripts as ES modules (tools, image staging).
  { files: ['**/*.mjs'], languageOptions: { globals: globals.node } },
  {
    files: ['**/*.js'],
    languageOptions: { sourceType: 'commonjs', globals: { ...globals.node, ...globals.jest } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  // k6 suites: ES modules run by k6's own runtime, which provides __ENV.
  { files: ['load-tests/k6/**/*.js'], languageOptions: { sourceType: 'module', globals: { __ENV: 'readonly' } } },
  // Pages served to browsers (the reviewer page, the trace viewer Jaeger serves) run as plain scripts with browser globals.
  {
    files: ['services/*/public/**/*.js', 'infra/local/jaeger/ui/**/*.js'],
    languageOptions: { sourceType: 'script', globals: globals.browser },
  },
);
