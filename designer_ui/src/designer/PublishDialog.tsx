import { Alert, Button, Checkbox, Form, Input, List, Modal, Result, Select, Spin, Steps, Table, Tag, Typography } from 'antd'
import { lazy, Suspense, useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { ApiError } from '../api/client'
import type { DraftStore, Problem } from '../core/design/draftStore'
import { flowsOf, type FlowLike } from '../core/design/flowModel'
import { fieldsOf } from '../core/design/formModel'
import { defaultNodeMap, migrateBody, unmapped, type NodeMap, type RunningFlow } from '../core/design/instanceMap'
import { planSentences, type FormPlan } from '../core/design/plan'
import { pickLabel } from '../core/labels'
import { publish, validateDraft, type Published } from './designerApi'
import { BlockedRecords } from './BlockedRecords'
import { describePath } from './ProblemsDrawer'
import type { Catalog } from './designerApi'
import { useCatalog } from './useCatalog'

// the canvas (React Flow) loads when a flow's running instances are to be moved, not with every publish
const NodeMapCanvas = lazy(async () => ({ default: (await import('./flow/NodeMapCanvas')).NodeMapCanvas }))
type NodeKinds = ReadonlyMap<string, Catalog['flows']['node_kinds'][number]>

interface Props {
  appKey: string
  store: DraftStore
  onClose: () => void
  onPublished: (version: number) => void
  onPickProblem: (problem: Problem) => void
}

type Stage =
  | { step: 'checking' }
  | { step: 'invalid'; problems: Problem[] }
  | { step: 'plan'; plan: Published }
  | { step: 'publishing'; plan: Published }
  | { step: 'done'; version: number }
  | { step: 'failed'; message: string; problems: Problem[] }

/**
 * Publishing in three steps: the draft is saved and validated, the dry run's migration plan is shown
 * in words (with the records a retype could not convert), then it is published with a version note.
 */
export function PublishDialog({ appKey, store, onClose, onPublished, onPickProblem }: Props) {
  const { t, i18n } = useTranslation()
  const [stage, setStage] = useState<Stage>({ step: 'checking' })
  const [note, setNote] = useState('')
  const [moving, setMoving] = useState<Record<string, NodeMap>>({})  // flows whose running instances move
  const catalog = useCatalog()
  const kindName = (key: string) => {
    const kind = catalog.data?.field_kinds.find((k) => k.key === key)
    return kind ? pickLabel(kind.label, i18n.language, key) : key
  }

  // the dialog is mounted when it opens, so each opening starts from a fresh check
  useEffect(() => {
    let live = true
    void (async () => {
      try {
        await store.saveNow()
        const validation = await validateDraft(appKey)
        if (!live) return
        if (!validation.valid) {
          setStage({ step: 'invalid', problems: validation.errors })
          return
        }
        const plan = await publish(appKey, { dryRun: true })
        if (live) setStage({ step: 'plan', plan })
      } catch (error) {
        if (live) setStage({ step: 'failed', message: error instanceof Error ? error.message : String(error),
          problems: error instanceof ApiError ? error.errors : [] })
      }
    })()
    return () => {
      live = false
    }
  }, [appKey, store])

  const doc = store.doc as { forms?: unknown[] }
  const formByKey = new Map((doc.forms ?? []).map((f) => [String((f as { key?: unknown }).key), f]))
  const names = {
    form: (key: string) => pickLabel((formByKey.get(key) as { label?: Record<string, string> } | undefined)?.label, i18n.language, key),
    field: (form: string, key: string) => {
      const field = fieldsOf(formByKey.get(form)).find((f) => f.key === key)
      return field ? `${pickLabel(field.label, i18n.language, key)} (${key})` : key
    },
  }

  const run = async (plan: Published) => {
    setStage({ step: 'publishing', plan })
    try {
      const done = await publish(appKey, { dryRun: false, note: note.trim() || undefined, migrate: migrateBody(moving) })
      setStage({ step: 'done', version: done.version })
      onPublished(done.version)
    } catch (error) {
      setStage({ step: 'failed', message: error instanceof Error ? error.message : String(error),
        problems: error instanceof ApiError ? error.errors : [] })
    }
  }

  const current = stage.step === 'checking' || stage.step === 'invalid' ? 0 : stage.step === 'done' ? 2 : 1
  const problemList = (problems: Problem[]) => <List size="small" dataSource={problems} style={{ maxHeight: 320, overflow: 'auto' }}
    renderItem={(p) => <List.Item>
      <div><Button type="link" style={{ padding: 0, height: 'auto' }} onClick={() => { onClose(); onPickProblem(p) }}>
        {describePath(store.doc, p.path, i18n.language)}</Button> <Typography.Text>{p.message}</Typography.Text></div>
    </List.Item>} />

  let body
  let footer
  if (stage.step === 'checking') {
    body = <div style={{ textAlign: 'center', padding: 32 }}><Spin /><div>{t('designer.publish.checking')}</div></div>
    footer = [<Button key="close" onClick={onClose}>{t('designer.cancel')}</Button>]
  } else if (stage.step === 'invalid') {
    body = <><Alert type="error" showIcon message={t('designer.publish.invalid', { n: stage.problems.length })} style={{ marginBottom: 8 }} />
      {problemList(stage.problems)}</>
    footer = [<Button key="close" onClick={onClose}>{t('designer.close')}</Button>]
  } else if (stage.step === 'plan' || stage.step === 'publishing') {
    const plan = stage.plan
    const sentences = planSentences(plan.plan as FormPlan[], names).map((s) => ({ ...s, values: { ...s.values,
      ...Object.fromEntries(['kind', 'from_kind', 'to_kind'].filter((k) => s.values[k]).map((k) => [k, kindName(s.values[k] ?? '')])) } }))
    const blocked = Object.entries(plan.unconvertible ?? {}).flatMap(([form, byField]) =>
      Object.entries(byField).map(([field, ids]) => ({ form, field, ids })))
    const running = ((plan as { instances?: RunningFlow[] | null }).instances ?? []).filter((f) => f.in_draft)
    const draftFlows = new Map(flowsOf(store.doc).map((f) => [f.key, f]))
    const nodeKinds: NodeKinds = new Map((catalog.data?.flows.node_kinds ?? []).map((k) => [k.key, k]))
    const incomplete = running.some((f) => moving[f.flow] && unmapped(f, moving[f.flow] ?? {}).length > 0)
    body = <>
      <Alert type="success" showIcon message={t('designer.publish.valid')} style={{ marginBottom: 12 }} />
      {plan.unchanged ? <Alert type="info" showIcon message={t('designer.publish.unchanged', { version: plan.version })} />
        : <>
          <Typography.Title level={5}>{t('designer.publish.planTitle', { version: plan.version })}</Typography.Title>
          {sentences.length === 0 ? <Typography.Paragraph type="secondary">{t('designer.publish.noTableChange')}</Typography.Paragraph>
            : <List size="small" bordered dataSource={sentences} style={{ maxHeight: 260, overflow: 'auto', marginBottom: 12 }}
              aria-label={t('designer.publish.planTitle', { version: plan.version })}
              renderItem={(s) => <List.Item>
                <span>{t(s.key, s.values)} {!s.ddl && <Tag>{t('designer.publish.noDdl')}</Tag>}</span>
              </List.Item>} />}
          {blocked.map((b) => {
            const [formKey = b.form, sub] = b.form.split('__')
            const form = formByKey.get(formKey) as { title_field?: unknown } | undefined
            const serial = fieldsOf(form).find((f) => f.kind === 'serial')
            return <BlockedRecords key={`${b.form}.${b.field}`} appKey={appKey} form={b.form} field={b.field} ids={b.ids}
              formName={sub ? `${names.form(formKey)} · ${names.field(formKey, sub)}` : names.form(formKey)}
              fieldName={sub ? b.field : names.field(formKey, b.field)}
              titleField={!sub && typeof form?.title_field === 'string' ? form.title_field : null}
              serialField={!sub && serial ? serial.key : null} />
          })}
          {blocked.length > 0 && <Alert type="warning" showIcon style={{ marginBottom: 8 }} message={t('designer.publish.refused')} />}
          {running.map((f) => <InstanceMove key={f.flow} flow={f} map={moving[f.flow]} draft={draftFlows.get(f.flow)} kinds={nodeKinds}
            onChange={(map) => setMoving((m) => {
              const next = { ...m }
              if (map) next[f.flow] = map
              else delete next[f.flow]
              return next
            })} />)}
          <Form layout="vertical" component="div">
            <Form.Item label={t('designer.publish.note')} htmlFor="publish-note">
              <Input.TextArea id="publish-note" value={note} maxLength={500} autoSize={{ minRows: 2, maxRows: 4 }}
                placeholder={t('designer.publish.notePlaceholder')} onChange={(e) => setNote(e.target.value)} />
            </Form.Item>
          </Form>
        </>}
    </>
    footer = [<Button key="cancel" onClick={onClose}>{t('designer.cancel')}</Button>,
      <Button key="publish" type="primary" disabled={plan.unchanged || blocked.length > 0 || incomplete} loading={stage.step === 'publishing'}
        onClick={() => void run(plan)}>{t('designer.publish.confirm', { version: plan.version })}</Button>]
  } else if (stage.step === 'done') {
    body = <Result status="success" title={t('designer.publish.done', { version: stage.version })} />
    footer = [<Button key="close" type="primary" onClick={onClose}>{t('designer.close')}</Button>]
  } else {
    body = <><Alert type="error" showIcon message={stage.message} style={{ marginBottom: 8 }} />{problemList(stage.problems)}</>
    footer = [<Button key="close" onClick={onClose}>{t('designer.close')}</Button>]
  }

  return <Modal open onCancel={onClose} title={t('designer.publish.title')} width={Object.keys(moving).length > 0 ? 960 : 640} footer={footer} destroyOnHidden>
    <Steps size="small" current={current} style={{ marginBottom: 16 }} items={[
      { title: t('designer.publish.stepValidate') }, { title: t('designer.publish.stepPlan') }, { title: t('designer.publish.stepPublish') }]} />
    {body}
  </Modal>
}

/** One flow's running instances on the current version: move them to the new one, with a node map
 * (each node they stand on → a node of the draft; by id unless changed here). */
function InstanceMove({ flow, map, draft, kinds, onChange }: { flow: RunningFlow; map: NodeMap | undefined; draft: FlowLike | undefined;
  kinds: NodeKinds; onChange: (map: NodeMap | undefined) => void }) {
  const { t } = useTranslation()
  const missing = map ? unmapped(flow, map) : []
  return <section aria-label={t('designer.publish.instancesOf', { flow: flow.flow })} style={{ marginBottom: 12 }}>
    <Checkbox checked={map !== undefined} onChange={(e) => onChange(e.target.checked ? defaultNodeMap(flow) : undefined)}>
      {t('designer.publish.moveInstances', { flow: flow.flow, n: flow.running })}
    </Checkbox>
    {map === undefined ? <Typography.Paragraph type="secondary" style={{ margin: '4px 0 0 24px' }}>
      {t('designer.publish.pinned')}</Typography.Paragraph>
      : <>{draft && <Suspense fallback={<Spin size="small" />}>
        <NodeMapCanvas flow={draft} kinds={kinds} running={flow} map={map} onChange={onChange} />
      </Suspense>}<Table size="small" pagination={false} rowKey="node" style={{ marginTop: 8 }} dataSource={flow.nodes}
        columns={[
          { title: t('designer.publish.oldNode'), dataIndex: 'node' },
          { title: t('designer.publish.runningHere'), dataIndex: 'running', width: 90 },
          { title: t('designer.publish.newNode'), key: 'to', render: (_: unknown, n: { node: string }) =>
            <Select aria-label={t('designer.publish.mapNode', { node: n.node })} value={map[n.node] ?? undefined} style={{ width: '100%' }}
              status={missing.includes(n.node) ? 'error' : undefined} placeholder={t('designer.publish.pickNode')}
              onChange={(v: string) => onChange({ ...map, [n.node]: v })}
              options={flow.new_nodes.map((id) => ({ value: id, label: id }))} /> },
        ]} /></>}
    {missing.length > 0 && <Alert type="warning" showIcon style={{ marginTop: 8 }}
      message={t('designer.publish.unmapped', { nodes: missing.join('、') })} />}
  </section>
}
