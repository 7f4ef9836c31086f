// typescript-eslint's recommended rules, and of its type-aware rules those that catch faults rather than
// style: a promise nobody awaits or catches, a promise handed to a caller that ignores it, a value that
// stringifies as "[object Object]", a method taken off its object. The unsafe-any family is left off:
// parsed JSON and mathjs trees are typed loosely on purpose and would need a cast per read.
// Layout is Prettier's (prettier.config.js).
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'clients/', 'docs/'] },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    rules: {
      // `_` marks what is unused on purpose: a skipped argument, a destructured key left out of a copy.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
    },
  },
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/no-array-delete': 'error',
      '@typescript-eslint/no-base-to-string': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-for-in-array': 'error',
      '@typescript-eslint/no-implied-eval': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/only-throw-error': 'error',
      '@typescript-eslint/prefer-promise-reject-errors': 'error',
      '@typescript-eslint/restrict-template-expressions': 'error',
      '@typescript-eslint/unbound-method': 'error',
    },
  },
  // Plain JavaScript that runs on Node before any build (bin/, scripts/, this file).
  { files: ['bin/**/*.js', 'scripts/**/*.js', '*.js'], languageOptions: { globals: globals.node } },
);
