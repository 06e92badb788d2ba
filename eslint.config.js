/**
 * ESLint (flat config): eslint's and typescript-eslint's recommended rules, without type information
 * (fast enough for every `npm test`; `npm run typecheck` is the type check). Formatting is prettier's
 * job (.prettierrc.json), not a lint rule.
 */
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const nodeGlobals = Object.fromEntries(
  [
    'process',
    'console',
    'Buffer',
    'URL',
    'URLSearchParams',
    'setTimeout',
    'clearTimeout',
    'setInterval',
    'clearInterval',
    'setImmediate',
    'queueMicrotask',
    'performance',
    'structuredClone',
    'AbortController',
    'AbortSignal',
    'TextDecoder',
    'TextEncoder',
    'fetch',
    'globalThis',
  ].map((g) => [g, 'readonly']),
);

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'test/fixtures/', 'test/fuzz/found/', 'samples/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: nodeGlobals },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // `_`-named bindings drop a field on purpose (`const { a: _, ...rest } = x`)
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          caughtErrorsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
          ignoreRestSiblings: true,
        },
      ],
      // the loader drops buffer references on purpose before JSON.parse (load-document.ts, peak memory),
      // and go-sort.ts keeps Go's sort.go statement for statement
      'no-useless-assignment': 'off',
    },
  },
  // bin/ is CommonJS (bin/package.json): a CommonJS entry starts faster than an ES module one
  {
    files: ['bin/**/*.js'],
    languageOptions: { sourceType: 'commonjs', globals: { require: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
