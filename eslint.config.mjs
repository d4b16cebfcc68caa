// @ts-check
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

/** Node globals for the plain CommonJS scripts (no `globals` package in the tree). */
const nodeGlobals = Object.fromEntries(
  [
    'AbortController',
    'AbortSignal',
    'Buffer',
    'Headers',
    'Request',
    'Response',
    'TextDecoder',
    'TextEncoder',
    'URL',
    'URLSearchParams',
    '__dirname',
    '__filename',
    'clearImmediate',
    'clearInterval',
    'clearTimeout',
    'console',
    'fetch',
    'global',
    'performance',
    'process',
    'queueMicrotask',
    'setImmediate',
    'setInterval',
    'setTimeout',
    'structuredClone',
  ].map((name) => [name, 'readonly']),
);

/** Every `@typescript-eslint/no-unsafe-*` rule, relaxed in tests. */
const noUnsafeRulesOff = Object.fromEntries(
  Object.keys(tseslint.plugin.rules ?? {})
    .filter((name) => name.startsWith('no-unsafe-'))
    .map((name) => [`@typescript-eslint/${name}`, 'off']),
);

// eslint-config-prettier turns `curly` off because some of its options can fight Prettier; we keep
// `curly: multi-line` deliberately, so take every other rule from it.
const prettierRules = { ...prettier.rules };
delete prettierRules.curly;

export default defineConfig(
  {
    name: 'ignores',
    ignores: [
      'dist/**',
      '**/node_modules/**',
      'coverage/**',
      'openapi/**',
      'data/**',
      'docker/**',
      'jest.config.js',
      'test/support/esm-to-cjs.transformer.js',
    ],
  },

  {
    name: 'javascript',
    ...js.configs.recommended,
  },

  {
    name: 'scripts (plain CommonJS)',
    files: ['scripts/**/*.js', 'bench/**/*.js'],
    languageOptions: {
      ecmaVersion: 'latest',
      sourceType: 'commonjs',
      globals: nodeGlobals,
    },
  },

  {
    name: 'typescript',
    files: ['**/*.ts'],
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: {
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      eqeqeq: ['error', 'always'],
      curly: ['error', 'multi-line'],
      'object-shorthand': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'off',
    },
  },

  {
    name: 'tests',
    files: ['test/**/*.ts', '**/*.spec.ts'],
    rules: {
      ...noUnsafeRulesOff,
      '@typescript-eslint/no-explicit-any': 'off',
      // jest: expect(obj.method).toHaveBeenCalled()
      '@typescript-eslint/unbound-method': 'off',
      '@typescript-eslint/require-await': 'off',
    },
  },

  {
    name: 'src: configuration only through src/config',
    files: ['src/**/*.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'Read configuration through src/config (AppConfig)' },
      ],
    },
  },
  {
    name: 'src/config reads the environment',
    files: ['src/config/**/*.ts'],
    rules: { 'no-restricted-properties': 'off' },
  },

  { name: 'eslint-config-prettier', rules: prettierRules },
);
