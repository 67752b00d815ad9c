// The rules that keep the code base in shape, checked by `pnpm lint` (part of `pnpm test`, so CI enforces them).
// Boundaries: widget features never import each other or `app/`; only `lib/livechat` imports the agent-app SDK;
// a BFF module never imports another module's repository (modules talk through their services); `lib/` never
// imports `modules/`. File names are kebab-case. Formatting is Prettier's (eslint-config-prettier turns off what
// it owns).
import { readdirSync } from 'node:fs';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';
import checkFile from 'eslint-plugin-check-file';
import reactHooks from 'eslint-plugin-react-hooks';
import prettier from 'eslint-config-prettier';
import globals from 'globals';

const dirs = (path) =>
  readdirSync(new URL(path, import.meta.url), { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name);

const widgetFeatures = dirs('./apps/widget/src/features/');
const bffModules = dirs('./apps/bff/src/modules/');

const boundaryZones = [
  // Widget features are independent; they meet in app/.
  ...widgetFeatures.map((feature) => ({
    target: `./apps/widget/src/features/${feature}`,
    from: './apps/widget/src/features',
    except: [`./${feature}`],
    message: 'Widget features never import each other: compose them in app/.',
  })),
  {
    target: './apps/widget/src/features',
    from: './apps/widget/src/app',
    message: 'Features never import app/: app/ composes features, not the other way round.',
  },
  {
    target: ['./apps/widget/src/lib', './apps/widget/src/components'],
    from: ['./apps/widget/src/features', './apps/widget/src/app'],
    message: 'Shared widget code never depends on features or app/.',
  },
  // A BFF module reaches another module through its service, never its repository.
  ...bffModules.map((module) => ({
    target: `./apps/bff/src/modules/${module}`,
    from: bffModules.filter((m) => m !== module).map((m) => `./apps/bff/src/modules/${m}/*.repo.ts`),
    message: "Another module's repository: call that module's service instead.",
  })),
  {
    target: './apps/bff/src/lib',
    from: './apps/bff/src/modules',
    message: 'lib/ is shared by every module and never imports one.',
  },
];

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      '**/dist-*/**',
      'reports/**',
      'test-results/**',
      'playwright-report/**',
      '**/.data/**',
      'apps/bff/src/db/migrations/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      ecmaVersion: 'latest',
      sourceType: 'module',
      globals: { ...globals.node, ...globals.browser },
    },
    plugins: { 'import-x': importX, 'check-file': checkFile },
    settings: { 'import-x/resolver': { node: { extensions: ['.ts', '.tsx', '.js'] } } },
    rules: {
      'import-x/no-restricted-paths': ['error', { zones: boundaryZones }],
      'check-file/filename-naming-convention': ['error', { '**/*.{ts,tsx,js,mjs,css}': 'KEBAB_CASE' }, { ignoreMiddleExtensions: true }],
      'check-file/folder-naming-convention': ['error', { '{apps,packages,e2e,scripts}/**/': 'KEBAB_CASE' }],
      // Unused names are errors, except the ones a signature needs and marks with a leading underscore.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true },
      ],
      // Wire formats and test fixtures are untyped JSON by nature; the contracts type what crosses our boundary.
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
      'no-empty': ['error', { allowEmptyCatch: true }],
    },
  },
  {
    files: ['apps/widget/src/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'warn',
      'no-restricted-imports': [
        'error',
        { paths: [{ name: '@livechat/agent-app-sdk', message: 'Only lib/livechat talks to the agent-app SDK.' }] },
      ],
    },
  },
  {
    files: ['apps/widget/src/lib/livechat/**'],
    rules: { 'no-restricted-imports': 'off' },
  },
  prettier,
);
