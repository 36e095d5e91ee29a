import { CloudServerOutlined } from '@ant-design/icons'
import { Alert, Button, Space, Typography } from 'antd'
import { useCallback, useEffect, useMemo, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { ApiError } from '../api/client'
import { makeContext } from '../core/expr'
import { layoutOf } from '../core/form/layout'
import { compileFormLogic, type ValueTypes } from '../core/form/logic'
import { RecordStore } from '../core/form/store'
import type { FormDef } from '../core/form/types'
import type { FieldContext } from '../fields/types'
import { FormView, type FieldErrors } from '../runtime/record/FormView'
import { previewOnServer } from './designerApi'

interface Props {
  appKey: string
  form: FormDef
  valueTypes: ValueTypes
  /** The form exists in the published version, so the server can preview it. */
  published: boolean
}

const NO_ERRORS: FieldErrors = { fields: {}, rows: {} }
const writeAll = () => true

/**
 * The form as people will see it, drawn by the runtime's widgets from the draft: linkage, defaults
 * and formulas are evaluated in the browser as sample values are typed; "preview on the server" runs
 * the save pipeline of the published form on them.
 */
export function Preview({ appKey, form, valueTypes, published }: Props) {
  const { t, i18n } = useTranslation()
  const logic = useMemo(() => compileFormLogic(form, valueTypes), [form, valueTypes])
  const exprCtx = useMemo(() => makeContext({}), [])
  const keys = useMemo(() => (form.fields ?? []).map((f) => f.key), [form])
  // sample values as on a new record: defaults for what was not typed, formulas and linkage as you type
  const [store] = useState(() => new RecordStore(logic, exprCtx, {}, { isNew: true, keys }))
  useEffect(() => {
    if (store.formLogic !== logic) store.setLogic(logic, keys)
  }, [store, logic, keys])
  const onChange = useCallback((key: string, value: unknown) => store.set(key, value), [store])
  const [display, setDisplay] = useState<Record<string, string>>({})
  const [server, setServer] = useState<{ errors: FieldErrors; messages: string[]; valid: boolean } | null>(null)
  const [busy, setBusy] = useState(false)
  const tabs = useMemo(() => layoutOf(form), [form])
  const ctx: FieldContext = useMemo(() => ({ appKey, formKey: form.key, locale: i18n.language, display,
    setDisplay: (key, label) => setDisplay((d) => ({ ...d, [key]: label })) }), [appKey, form.key, i18n.language, display])

  const runOnServer = async () => {
    setBusy(true)
    try {
      const answer = await previewOnServer(appKey, form.key, store.typed())
      const keys = new Set((form.fields ?? []).map((f) => f.key))
      const fields: Record<string, string> = {}
      const messages: string[] = []
      for (const e of answer.errors) {
        const key = e.path.split('/').find((p) => keys.has(p))
        if (key) fields[key] = e.message
        else messages.push(e.message)
      }
      setServer({ errors: { fields, rows: {} }, messages, valid: answer.valid })
    } catch (error) {
      setServer({ errors: NO_ERRORS, messages: [error instanceof ApiError ? error.message : String(error)], valid: false })
    } finally {
      setBusy(false)
    }
  }

  return <section className="designer-preview" aria-label={t('designer.preview.title')}>
    <Space style={{ width: '100%', justifyContent: 'space-between', marginBottom: 8 }} wrap>
      <Typography.Text type="secondary">{t('designer.preview.hint')}</Typography.Text>
      <Space>
        <Button onClick={() => { store.replace({}); setServer(null) }}>{t('designer.preview.clear')}</Button>
        <Button icon={<CloudServerOutlined />} loading={busy} disabled={!published} onClick={() => void runOnServer()}
          title={published ? undefined : t('designer.preview.notPublished')}>{t('designer.preview.server')}</Button>
      </Space>
    </Space>
    {logic.unsupported.length > 0 && <Alert type="info" showIcon style={{ marginBottom: 8 }}
      message={t('designer.preview.unsupported', { list: logic.unsupported.join(', ') })} />}
    {server && <Alert style={{ marginBottom: 8 }} showIcon type={server.valid ? 'success' : 'warning'}
      message={server.valid ? t('designer.preview.serverValid') : t('designer.preview.serverInvalid')}
      description={server.messages.length > 0 ? server.messages.join('; ') : undefined} closable onClose={() => setServer(null)} />}
    <FormView tabs={tabs} store={store} canWrite={writeAll} errors={server?.errors ?? NO_ERRORS} ctx={ctx} onChange={onChange} />
  </section>
}
