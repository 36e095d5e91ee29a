import js from '@eslint/js'
import globals from 'globals'
import i18next from 'eslint-plugin-i18next'
import reactHooks from 'eslint-plugin-react-hooks'
import tseslint from 'typescript-eslint'

// Attributes whose value a person reads or hears; the others (size, layout, rowKey …) are code.
const TEXT_ATTRIBUTES = [
  'aria-label', 'aria-description', 'aria-placeholder', 'aria-roledescription', 'aria-valuetext', 'alt', 'title',
  'placeholder', 'label', 'description', 'message', 'tooltip', 'extra', 'subTitle', 'content', 'help', 'text',
  'addonBefore', 'addonAfter', 'okText', 'cancelText', 'emptyText', 'checkedChildren', 'unCheckedChildren',
]

export default tseslint.config(
  { ignores: ['dist', 'node_modules', 'src/api/schema.d.ts'] },
  {
    files: ['**/*.{ts,tsx}'],
    extends: [js.configs.recommended, ...tseslint.configs.recommended],
    languageOptions: {
      ecmaVersion: 2022,
      globals: { ...globals.browser, ...globals.node },
    },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
    },
  },
  {
    // UI text comes from the catalogues (src/i18n/locales/<lang>/<area>.json) through t(): no words
    // written in JSX text or in the attributes people read. Symbols, digits and punctuation may stay.
    files: ['src/**/*.tsx'],
    plugins: { i18next },
    rules: {
      'i18next/no-literal-string': [
        'error',
        {
          mode: 'jsx-only',
          'jsx-attributes': { include: TEXT_ATTRIBUTES, exclude: [] },
          words: {
            exclude: [
              /^[\s\p{P}\p{S}\p{N}]*$/u,
              /^[a-z][a-z0-9_]*$/, // a key or a JSON path segment, not a sentence
              /^((Ctrl|Shift|Alt)\+)+[A-Z0-9/]$/, // a keyboard shortcut reads the same in every language
            ],
          },
          callees: {
            exclude: ['t', 'i18n(ext)?', 'format', 'toLocale(Date|Time)?String', 'includes', 'has', 'indexOf', 'startsWith', 'endsWith'],
          },
        },
      ],
    },
  },
  {
    files: ['**/*.{js,mjs}'],
    extends: [js.configs.recommended],
    languageOptions: { globals: { ...globals.node } },
  },
)
