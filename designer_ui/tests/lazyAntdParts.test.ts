import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { LAZY_PARTS, lazyImport, REWRITES } from '../scripts/lazyAntdParts'

const installed = (file: string) => readFileSync(fileURLToPath(new URL(`../node_modules/${file}`, import.meta.url)), 'utf8')

describe('the lazy antd parts of the build', () => {
  it.each([...LAZY_PARTS, ...REWRITES].map((p) => [p.file, p.statement]))('%s still has %s', (file, statement) => {
    expect(installed(file)).toContain(statement)
  })

  it('replaces the static import by a lazy component of the same name', () => {
    const code = "import React from 'react';\nimport Tabs from '../tabs';\nconst x = React.createElement(Tabs, {});\n"
    const part = LAZY_PARTS.find((p) => p.name === 'Tabs')
    if (!part) throw new Error('no Tabs part')
    const changed = lazyImport(code, part) ?? ''
    expect(changed).not.toContain("import Tabs from '../tabs';")
    expect(changed).toContain("import('../tabs')")
    expect(changed).toContain('const Tabs = (props) =>')
    expect(changed).toContain('React.createElement(Tabs, {})')
  })

  it('answers null when the import is not there, so the build can fail on it', () => {
    const part = LAZY_PARTS[0]
    if (!part) throw new Error('no parts')
    expect(lazyImport("import Tabs from './somewhere-else';", part)).toBeNull()
  })
})
