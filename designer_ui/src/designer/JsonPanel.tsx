import { useQuery } from '@tanstack/react-query'
import { Alert, Button, Input, Space, Typography } from 'antd'
import { useMemo, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { DraftStore } from '../core/design/draftStore'
import { getAt, parsePointer } from '../core/design/pointer'
import { compileSchema, elementProblems } from '../core/design/schemaCheck'
import { loadAppSchema } from './designerApi'

interface Props {
  store: DraftStore
  doc: unknown
  /** The selected element's JSON path. */
  pointer: string
}

/** The selected element as JSON, for people who want it: edited text is checked against the app schema as it is typed. */
export function JsonPanel({ store, doc, pointer }: Props) {
  const { t } = useTranslation()
  const schema = useQuery({ queryKey: ['schema', 'app'], queryFn: loadAppSchema, staleTime: Infinity })
  const validate = useMemo(() => (schema.data ? compileSchema(schema.data) : null), [schema.data])
  const element = getAt(doc, parsePointer(pointer))
  const original = useMemo(() => JSON.stringify(element, null, 2), [element])
  const [draft, setDraft] = useState<{ from: string; text: string } | null>(null)
  const text = draft && draft.from === original ? draft.text : original
  let parsed: unknown
  let syntax: string | null = null
  try {
    parsed = JSON.parse(text)
  } catch (e) {
    syntax = e instanceof Error ? e.message : String(e)
  }
  const problems = syntax === null && validate ? elementProblems(validate, doc, pointer, parsed) : []
  return <Space direction="vertical" style={{ width: '100%' }}>
    <Typography.Text type="secondary" style={{ fontFamily: 'monospace', fontSize: 12 }}>{pointer || '/'}</Typography.Text>
    <Input.TextArea aria-label={t('designer.json.label')} value={text} spellCheck={false}
      autoSize={{ minRows: 12, maxRows: 28 }} style={{ fontFamily: 'monospace', fontSize: 12 }}
      onChange={(e) => setDraft({ from: original, text: e.target.value })} />
    {syntax && <Alert type="error" showIcon message={t('designer.json.syntax', { error: syntax })} />}
    {problems.length > 0 && <Alert type="warning" showIcon message={t('designer.json.schemaProblems', { n: problems.length })}
      description={<ul className="designer-json-problems">{problems.slice(0, 20).map((p) => <li key={`${p.path} ${p.message}`}>
        <code>{p.path}</code> {p.message}</li>)}</ul>} />}
    {syntax === null && problems.length === 0 && validate && <Typography.Text type="success">{t('designer.json.valid')}</Typography.Text>}
    <Space>
      <Button type="primary" disabled={syntax !== null || text === original}
        onClick={() => {
          store.edit([{ op: 'set', path: parsePointer(pointer), value: parsed }])
          setDraft(null)
        }}>{t('designer.json.apply')}</Button>
      <Button disabled={text === original} onClick={() => setDraft(null)}>{t('designer.json.reset')}</Button>
    </Space>
  </Space>
}
