// A Vite plugin that keeps antd parts off pages that do not draw them. Rollup splits by module, not by export:
// Card imports Tabs for its `tabList`, Button's colour tokens import the colour presets (and with them
// Collapse), Table's column filter menu imports Tree, Input carries Input.OTP, a Select's closed dropdown
// imports its virtual list, and every input reads the form context from @rc-component/form's index, which
// holds the whole form store and validator. So every page with a Card, a Button, an Input, a Select or a
// Table downloaded all of these (~55 KB gzip) on the first screen. Here a part's import becomes a React.lazy
// component (the branch draws after its chunk arrives), and the form context comes from the module that
// defines it; nothing else changes. When an antd upgrade moves one of these imports, or the module holding
// it, the build fails naming the file, rather than silently putting the weight back.
import { fileURLToPath } from 'node:url'
import type { Plugin } from 'vite'

// antd's <App> builds the `modal` and `notification` of App.useApp() with these hooks on every page; swapped
// for src/shell/lazyAntdHook.ts, their code loads at the first call (~12 KB gzip off the first screen)
const LAZY_HOOK = fileURLToPath(new URL('../src/shell/lazyAntdHook.ts', import.meta.url))

interface LazyPart {
  /** the importing module, as the end of its resolved path */
  file: string
  /** the import statement, verbatim */
  statement: string
  /** the local name the module uses */
  name: string
  /** the module specifier to load lazily */
  source: string
}

export const LAZY_PARTS: LazyPart[] = [
  { file: 'antd/es/card/Card.js', statement: "import Tabs from '../tabs';", name: 'Tabs', source: '../tabs' },
  {
    file: 'antd/es/color-picker/components/ColorPresets.js',
    statement: "import Collapse from '../../collapse';",
    name: 'Collapse',
    source: '../../collapse',
  },
  {
    file: 'antd/es/table/hooks/useFilter/FilterDropdown.js',
    statement: "import Tree from '../../../tree';",
    name: 'Tree',
    source: '../../../tree',
  },
  // the one-time-password input, which this app never draws, hangs on Input as Input.OTP
  { file: 'antd/es/input/index.js', statement: "import OTP from './OTP';", name: 'OTP', source: './OTP' },
  // a select's option list scrolls through a virtual list: it loads when a select first opens
  {
    file: '@rc-component/select/es/OptionList.js',
    statement: "import List from '@rc-component/virtual-list';",
    name: 'List',
    source: '@rc-component/virtual-list',
  },
]

interface Rewrite {
  file: string
  /** the import statement(s), verbatim */
  statement: string
  /** what replaces them */
  replacement: string
}

export const REWRITES: Rewrite[] = [
  {
    file: 'antd/es/app/App.js',
    statement: "import useModal from '../modal/useModal';\nimport useNotification from '../notification/useNotification';",
    replacement: [
      `import { lazyHook } from ${JSON.stringify(LAZY_HOOK)};`,
      "const useModal = lazyHook(() => import('../modal/useModal'));",
      "const useNotification = lazyHook(() => import('../notification/useNotification'));",
    ].join('\n'),
  },
  {
    file: 'antd/es/form/context.js',
    statement: "import { FormProvider as RcFormProvider } from '@rc-component/form';",
    replacement: "import { FormProvider as RcFormProvider } from '@rc-component/form/es/FormContext';",
  },
]

/** The module's code with the part's static import replaced by a lazily loaded component of the same name. */
export function lazyImport(code: string, part: LazyPart): string | null {
  if (!code.includes(part.statement)) return null
  const loader = `__lazy${part.name}`
  const replacement = [
    `import { createElement as ${loader}H, lazy as ${loader}L, Suspense as ${loader}S } from 'react';`,
    `const ${loader} = ${loader}L(() => import('${part.source}'));`,
    `const ${part.name} = (props) => ${loader}H(${loader}S, { fallback: null }, ${loader}H(${loader}, props));`,
  ].join('\n')
  return code.replace(part.statement, replacement)
}

export function lazyAntdParts(): Plugin {
  const seen = new Set<string>()
  return {
    name: 'dajian-lazy-antd-parts',
    enforce: 'pre',
    apply: 'build',
    buildStart() {
      seen.clear()
    },
    buildEnd(error) {
      const missing = [...LAZY_PARTS, ...REWRITES].filter((p) => !seen.has(p.file)).map((p) => p.file)
      if (!error && missing.length) {
        this.error(`${missing.join(', ')} no longer in the build: update scripts/lazyAntdParts.ts for this antd`)
      }
    },
    transform(code, id) {
      const path = id.split('?')[0]?.replace(/\\/g, '/') ?? ''
      const ours = (file: string) => path.endsWith(`/node_modules/${file}`)
      const part = LAZY_PARTS.find((p) => ours(p.file))
      const rewrite = REWRITES.find((r) => ours(r.file))
      const found = part ?? rewrite
      if (!found) return null
      seen.add(found.file)
      const changed = part ? lazyImport(code, part)
        : rewrite && code.includes(rewrite.statement) ? code.replace(rewrite.statement, rewrite.replacement) : null
      if (changed === null) {
        this.error(`${found.file} no longer has \`${found.statement}\`: update scripts/lazyAntdParts.ts for this antd`)
      }
      return { code: changed, map: null }
    },
  }
}
