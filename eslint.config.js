// ESLint (flat config, typescript-eslint) over every TypeScript file of the project: the
// recommended rules, minus the few the code base deliberately does otherwise (each says why).
// Formatting is Prettier's (`npm run format:check`), so eslint-config-prettier turns off the
// stylistic rules.
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'data/', '.cache/', 'coverage/', 'bench/out/', 'server/console/dist/', 'shared/db/engine/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.{ts,tsx,js,mjs}'],
    languageOptions: { ecmaVersion: 2023, sourceType: 'module' },
    rules: {
      // Unused code is found by tsc (noUnusedLocals); `_`-prefixed names are intentional.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_', caughtErrors: 'none' }],
      // Vendor SDKs and test fakes are typed loosely on purpose; `as never` / `any` stay visible in review.
      '@typescript-eslint/no-explicit-any': 'off',
      // `cond && fn()` and `void promise` are used as statements deliberately.
      '@typescript-eslint/no-unused-expressions': ['error', { allowShortCircuit: true, allowTernary: true }],
      // `let bot; … () => bot!.messenger …; bot = createBot(…)`: a closure reads it before its one assignment.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
    },
  },
  {
    // Node scripts and the mini-program (WeChat's globals: wx, App, Page, getApp).
    files: ['scripts/**/*.mjs', 'miniprogram/**/*.{ts,js}'],
    languageOptions: {
      globals: { process: 'readonly', console: 'readonly', URL: 'readonly', wx: 'readonly', App: 'readonly', Page: 'readonly', Component: 'readonly', getApp: 'readonly', getCurrentPages: 'readonly' },
    },
  },
  prettier,
);
