// A Vite plugin that loads three antd parts on demand where antd imports them for a branch this app never or
// seldom draws. Rollup splits by module, not by export: Card imports Tabs for its `tabList`, Button's colour
// tokens import the colour presets (and with them Collapse), and Table's column filter menu imports Tree, so
// every page with a Card, a Button or a Table downloaded Tabs, Collapse and Tree (~30 KB gzip) on the first
// screen. Here the import becomes a React.lazy component: the branch draws after its chunk arrives, nothing
// else changes. When an antd upgrade moves the import the build fails, naming the file, rather than silently
// putting the weight back.
import type { Plugin } from 'vite'

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
  return {
    name: 'dajian-lazy-antd-parts',
    enforce: 'pre',
    apply: 'build',
    transform(code, id) {
      const path = id.split('?')[0]?.replace(/\\/g, '/') ?? ''
      const part = LAZY_PARTS.find((p) => path.endsWith(`/node_modules/${p.file}`))
      if (!part) return null
      const changed = lazyImport(code, part)
      if (changed === null) {
        this.error(`${part.file} no longer has \`${part.statement}\`: update scripts/lazyAntdParts.ts for this antd`)
      }
      return { code: changed, map: null }
    },
  }
}
