import { ArrowLeftOutlined, SaveOutlined } from '@ant-design/icons'
import { useQueryClient } from '@tanstack/react-query'
import { App as AntApp, Button, Col, Row, Space, Tag, Typography } from 'antd'
import { useCallback, useEffect, useMemo, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Link, useNavigate } from 'react-router'
import { ApiError } from '../../api/client'
import type { Me } from '../../api/types'
import { makeContext } from '../../core/expr'
import { changedFields, reapply, type FieldChange } from '../../core/form/diff'
import { placeError } from '../../core/form/errors'
import { layoutOf } from '../../core/form/layout'
import { compileFormLogic, type ValueTypes } from '../../core/form/logic'
import { RecordStore } from '../../core/form/store'
import type { RuntimeForm, Values } from '../../core/form/types'
import { writableValue } from '../../core/form/values'
import { pickLabel } from '../../core/labels'
import { widgetFor } from '../../fields/registry'
import type { FieldContext } from '../../fields/types'
import { PrintMenu } from '../print/PrintMenu'
import { ConflictDialog } from './ConflictDialog'
import { FormView, type FieldErrors } from './FormView'
import { createRecord, readRecord, updateRecord } from './recordApi'
import { recordKey } from './recordKey'
import { RecordSide } from './RecordSide'
import { useSaveShortcut } from './useSaveShortcut'
import { useStepEditable } from './useStepEditable'
import { useStoreSelect } from './useStoreSelect'
import { useUnsavedGuard } from './useUnsavedGuard'

interface Props {
  appKey: string
  formKey: string
  recordId: number | null
  definition: RuntimeForm
  valueTypes: ValueTypes
  me: Me
  initial: Values | null
}

interface Conflict { latest: Values; theirs: FieldChange[]; mine: FieldChange[]; conflicts: string[] }

const NO_ERRORS: FieldErrors = { fields: {}, rows: {} }
function withoutKey<T>(map: Record<string, T>, key: string): Record<string, T> {
  return Object.fromEntries(Object.entries(map).filter(([k]) => k !== key))
}
const blank = (v: unknown) => v === null || v === undefined || v === '' || (Array.isArray(v) && v.length === 0)

export function RecordEditor({ appKey, formKey, recordId, definition, valueTypes, me, initial }: Props) {
  const { t, i18n } = useTranslation()
  const { message } = AntApp.useApp()
  const navigate = useNavigate()
  const queryClient = useQueryClient()
  const form = definition.form
  const fields = useMemo(() => form.fields ?? [], [form])
  const isNew = recordId === null
  const logic = useMemo(() => compileFormLogic(form, valueTypes), [form, valueTypes])
  const exprCtx = useMemo(() => makeContext({ timeZone: definition.timezone, userId: me.user.id, deptId: me.user.dept_id }),
    [definition.timezone, me.user.id, me.user.dept_id])
  const [base, setBase] = useState<Values>(() => initial ?? {})
  // the values live outside React state: a keystroke redraws the fields it changes, not this page
  const [store] = useState(() => new RecordStore(logic, exprCtx, initial ?? {}, { isNew, keys: fields.map((f) => f.key) }))
  useEffect(() => {
    if (store.formLogic !== logic) store.setLogic(logic, fields.map((f) => f.key))
  }, [store, logic, fields])
  const [display, setDisplay] = useState<Record<string, string>>(() => (initial?._display as Record<string, string>) ?? {})
  const [errors, setShownErrors] = useState<FieldErrors>(NO_ERRORS)
  // the errors shown, also kept in a ref that a keystroke reads: a state update per keystroke (even one giving back
  // the same errors) would make React run this page's render again to find nothing changed
  const shownErrors = useRef(NO_ERRORS)
  const setErrors = useCallback((next: FieldErrors) => {
    shownErrors.current = next
    setShownErrors(next)
  }, [])
  const [conflict, setConflict] = useState<Conflict | null>(null)
  const [saving, setSaving] = useState(false)

  const action = isNew ? 'create' : 'update'
  // the role's fields, and while a flow runs only those its current step gives the reader (as the server rules)
  const stepEditable = useStepEditable(appKey, formKey, recordId)
  const canWrite = useCallback((key: string) => definition.actions.includes(action)
    && (definition.write_fields == null || definition.write_fields.includes(key))
    && (stepEditable === null || stepEditable.has(key)), [definition, action, stepEditable])
  const canRead = useCallback((key: string) => definition.read_fields == null || definition.read_fields.includes(key),
    [definition])
  const tabs = useMemo(() => layoutOf(form, canRead), [form, canRead])
  const mineOf = useCallback((values: Values) => (isNew ? [] : changedFields(fields, base, values).filter((c) => canWrite(c.key))),
    [isNew, fields, base, canWrite])
  const dirty = useStoreSelect(store, (s) => (isNew ? s.touched.size > 0 : mineOf(s.values).length > 0))
  // a new record's title does not show what is typed, so typing does not redraw the page
  const titleValue = useStoreSelect(store, (s) => {
    const value = isNew ? null : s.values[form.title_field ?? '']
    return value === null || value === undefined ? null : String(value)
  })
  const leaveOnce = useUnsavedGuard(dirty && !saving)

  const ctx: FieldContext = useMemo(() => ({
    appKey, formKey, locale: i18n.language, display,
    setDisplay: (key, label) => setDisplay((d) => ({ ...d, [key]: label })),
  }), [appKey, formKey, i18n.language, display])

  // stable, so the memoised fields keep their props; an error on the field goes once the user changes it
  const onChange = useCallback((key: string, value: unknown) => {
    store.set(key, value)
    const e = shownErrors.current
    if (e.fields[key] || e.rows[key]) setErrors({ fields: withoutKey(e.fields, key), rows: withoutKey(e.rows, key) })
  }, [store, setErrors])

  const editable = (key: string) => canWrite(key) && store.state(key).visible && !store.state(key).readonly
    && widgetFor(fields.find((f) => f.key === key)?.kind ?? '').edit !== null

  const missing = (): FieldErrors => {
    const found: Record<string, string> = {}
    for (const f of fields) {
      if (store.state(f.key).required && editable(f.key) && canRead(f.key) && blank(store.computed[f.key])) found[f.key] = t('record.required')
    }
    return { fields: found, rows: {} }
  }

  const showServerErrors = (error: ApiError) => {
    const keys = new Set(fields.map((f) => f.key))
    const placed: FieldErrors = { fields: {}, rows: {} }
    const unplaced: string[] = []
    for (const e of error.errors) {
      const p = placeError(e, keys)
      if (p.field === null) unplaced.push(e.message)
      else if (p.row !== null && p.column !== null) {
        const rows = (placed.rows[p.field] ??= {})
        rows[p.row] = { ...rows[p.row], [p.column]: p.message }
      } else placed.fields[p.field] = p.message
    }
    setErrors(placed)
    void message.error(unplaced.length > 0 ? unplaced.join('; ') : error.message)
  }

  const openConflict = async () => {
    const latest = await readRecord(appKey, formKey, recordId ?? 0)
    const theirs = changedFields(fields, base, latest)
    setConflict({ latest, theirs, mine: mineOf(store.values), conflicts: reapply(fields, base, store.values, latest).conflicts })
  }

  /** Saves the form; true when it was saved (a new record's page then moves to the saved record). */
  const save = async (): Promise<boolean> => {
    if (saving || conflict) return false
    const required = missing()
    if (Object.keys(required.fields).length > 0) {
      setErrors(required)
      void message.error(t('record.fixErrors'))
      return false
    }
    setSaving(true)
    try {
      let saved: Values
      if (isNew) {
        const computed = store.computed
        const body = Object.fromEntries(fields.filter((f) => editable(f.key) && !blank(computed[f.key]))
          .map((f) => [f.key, writableValue(f, computed[f.key])]))
        saved = await createRecord(appKey, formKey, body)
      } else {
        const body = Object.fromEntries(mineOf(store.values).map((c) => {
          const field = fields.find((f) => f.key === c.key)
          return [c.key, field ? writableValue(field, c.after) : c.after]
        }))
        saved = await updateRecord(appKey, formKey, recordId ?? 0, body, Number(base.row_version))
      }
      setErrors(NO_ERRORS)
      setBase(saved)
      store.replace(saved)
      setDisplay((saved._display as Record<string, string>) ?? {})
      queryClient.setQueryData(recordKey(appKey, formKey, Number(saved.id)), saved)
      void queryClient.invalidateQueries({ queryKey: ['apps', appKey, 'forms', formKey, 'records'], refetchType: 'none' })
      void message.success(t('record.saved'))
      if (isNew) {
        leaveOnce()
        void navigate(`/a/${appKey}/forms/${formKey}/records/${String(saved.id)}`, { replace: true })
      }
      return true
    } catch (error) {
      if (error instanceof ApiError && error.status === 409) await openConflict()
      else if (error instanceof ApiError) showServerErrors(error)
      else void message.error(String(error))
      return false
    } finally {
      setSaving(false)
    }
  }
  useSaveShortcut(() => void save())

  // A flow step completes on what the record holds: what the user typed for it is saved first (a
  // refused save keeps the task open), and what the flow then wrote (a status, a time) is read back.
  const saveBeforeAct = async () => !dirty || await save()
  const reloadAfterAct = async () => {
    const latest = await readRecord(appKey, formKey, recordId ?? 0)
    queryClient.setQueryData(recordKey(appKey, formKey, recordId), latest)
    setBase(latest)
    store.replace(latest)
    setDisplay((latest._display as Record<string, string>) ?? {})
  }

  const title = isNew ? t('record.newTitle', { form: pickLabel(form.label, i18n.language, form.key) })
    : `${pickLabel(form.label, i18n.language, form.key)} · ${titleValue ?? `#${String(recordId)}`}`
  const readOnly = !definition.actions.includes(action)

  return <div className="record-page">
    <Space wrap style={{ width: '100%', justifyContent: 'space-between', marginBottom: 12 }}>
      <Space wrap>
        <Link to={`/a/${appKey}/forms/${formKey}`} aria-label={t('record.backToList')}><ArrowLeftOutlined /></Link>
        <Typography.Title level={3} style={{ margin: 0 }}>{title}</Typography.Title>
        {dirty && <Tag color="orange">{t('record.unsaved')}</Tag>}
      </Space>
      <Space wrap>
        {recordId !== null && <PrintMenu app={appKey} form={formKey} ids={[recordId]} />}
        {!readOnly && <Button type="primary" icon={<SaveOutlined />} loading={saving} onClick={() => void save()}
          title={t('record.saveShortcut')}>{t('record.save')}</Button>}
      </Space>
    </Space>
    {logic.unsupported.length > 0 && <Typography.Paragraph type="secondary" style={{ fontSize: 12 }}>
      {t('record.checkedOnSave')}
    </Typography.Paragraph>}
    <Row gutter={[16, 16]}>
      <Col xs={24} lg={isNew ? 24 : 16}>
        <FormView tabs={tabs} store={store} canWrite={canWrite} errors={errors} ctx={ctx} onChange={onChange} />
      </Col>
      {!isNew && <Col xs={24} lg={8}>
        <RecordSide appKey={appKey} formKey={formKey} recordId={String(recordId)}
          beforeAct={saveBeforeAct} afterAct={reloadAfterAct} />
      </Col>}
    </Row>
    {conflict && <ConflictDialog open fields={fields} theirs={conflict.theirs} mine={conflict.mine}
      conflicts={conflict.conflicts} ctx={ctx}
      onCancel={() => setConflict(null)}
      onDiscard={() => {
        setBase(conflict.latest)
        store.replace(conflict.latest)
        setDisplay((conflict.latest._display as Record<string, string>) ?? {})
        setConflict(null)
      }}
      onReapply={() => {
        setBase(conflict.latest)
        store.replace(reapply(fields, base, store.values, conflict.latest).values, { untouched: false })
        setDisplay((d) => ({ ...((conflict.latest._display as Record<string, string>) ?? {}), ...d }))
        setConflict(null)
      }} />}
  </div>
}

