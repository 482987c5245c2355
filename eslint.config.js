import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'data/', 'coverage/', 'test/contract/generated/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': ['error', { ignoreRestArgs: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  // Every business "now" comes from src/clock.ts, so tests can move the service to any date;
  // ids and rate-limit windows keep the machine's clock on purpose.
  {
    files: ['src/**/*.ts'],
    ignores: ['src/clock.ts', 'src/db/ids.ts', 'src/http/limits.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        { selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']", message: 'Use nowMs() from src/clock.ts.' },
        { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'Use now() from src/clock.ts.' },
      ],
    },
  },
  // Migrations take Kysely<any> by design: they are frozen in time and know no table types.
  { files: ['migrations/**'], rules: { '@typescript-eslint/no-explicit-any': 'off' } },
  // The web app's browser modules run in the page, not in Node.
  { files: ['src/web/assets/**/*.js'], languageOptions: { globals: globals.browser, sourceType: 'module' } },
);
