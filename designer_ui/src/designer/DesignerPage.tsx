import { CloudUploadOutlined, DeleteOutlined, EyeOutlined, HistoryOutlined, PlusOutlined, RedoOutlined, SaveOutlined,
  UndoOutlined, WarningOutlined } from '@ant-design/icons'
import { Badge, Button, Layout, Menu, Result, Space, Spin, Tag, Tooltip, Typography } from 'antd'
import { lazy, Suspense, useMemo, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Link, useLocation, useNavigate, useParams } from 'react-router'
import type { Problem, SaveStatus } from '../core/design/draftStore'
import { flowSelectionOf, flowsOf } from '../core/design/flowModel'
import { formAt } from '../core/design/formModel'
import { uniqueKey } from '../core/design/keys'
import { selectionOf } from '../core/design/selection'
import { pickLabel } from '../core/labels'
import type { FlowSelectionState } from './flow/FlowDesigner'
import { prefetchDesigner } from './designerApi'
import { areaOf, DESIGNER_AREAS } from './designerAreas'
import { ExpressionScope } from './formula/expressionScope'
import { FormDesigner, type FormSelection } from './FormDesigner'
import { AnalyticsNav } from './reports/AnalyticsNav'
import { analyticsLink, useAnalyticsRoute } from './reports/route'
import { useCatalog } from './useCatalog'
import { useDesignerKeys } from './useDesignerKeys'
import { useDraftSnapshot, useDraftStore } from './useDraftStore'
import { usePublishedDefinition } from './usePublishedDefinition'
import './designer.css'

// the canvas (@xyflow/react, dagre) loads only when a flow is opened
const FlowDesigner = lazy(async () => ({ default: (await import('./flow/FlowDesigner')).FlowDesigner }))
// the report and dashboard designers (and echarts behind their preview) load only when opened
const AnalyticsDesigner = lazy(() => import('./reports/AnalyticsDesigner'))

// this module loads with the first designer page: its data starts loading now, beside the rest of its code
prefetchDesigner(window.location.pathname)

// the toolbar's drawers and the publish dialog load when first opened
const ProblemsDrawer = lazy(async () => ({ default: (await import('./ProblemsDrawer')).ProblemsDrawer }))
const TrashDrawer = lazy(async () => ({ default: (await import('./TrashDrawer')).TrashDrawer }))
const VersionsDrawer = lazy(async () => ({ default: (await import('./VersionsDrawer')).VersionsDrawer }))
const PublishDialog = lazy(async () => ({ default: (await import('./PublishDialog')).PublishDialog }))

type Obj = { key?: unknown; label?: Record<string, string> }
// key names, the same in every language
const KEYS = { undo: 'Ctrl+Z', redo: 'Ctrl+Shift+Z', save: 'Ctrl+S' }
type Panel = 'problems' | 'versions' | 'trash' | 'publish' | null

const STATUS_COLOR: Record<SaveStatus, string> = { saved: 'green', dirty: 'orange', saving: 'blue', error: 'red' }

/**
 * /design/:app/forms/:form and /design/:app/flows/:flow — the shell every designer shares (draft, undo, problems,
 * versions, bin, publish) around the form designer or the flow designer.
 */
export function DesignerPage() {
  const { t, i18n } = useTranslation()
  const navigate = useNavigate()
  const { app: appKey = '', form: formKey, flow: flowKey } = useParams()
  const area = areaOf(useLocation().pathname, appKey) // another designer's page (rules …) instead of a form
  const { store, detail, error } = useDraftStore(appKey)
  const snapshot = useDraftSnapshot(store)
  const catalog = useCatalog()
  const [publishedVersion, setPublishedVersion] = useState<number | null | undefined>(undefined)
  const version = publishedVersion === undefined ? detail.data?.current_version : publishedVersion
  const published = usePublishedDefinition(appKey, version)
  const [panel, setPanel] = useState<Panel>(null)
  // a drawer stays mounted once opened (its state, its closing animation)
  const [seen, setSeen] = useState<ReadonlySet<Panel>>(() => new Set())
  if (panel !== null && !seen.has(panel)) setSeen(new Set(seen).add(panel))
  const [selection, setSelection] = useState<FormSelection>({ field: null, section: null })
  const [flowSelection, setFlowSelection] = useState<FlowSelectionState>({ node: null, edge: null })
  const analytics = useAnalyticsRoute()

  useDesignerKeys({
    undo: () => store?.undo(), redo: () => store?.redo(), save: () => void store?.saveNow(),
  })

  const doc = snapshot?.state.doc
  const forms = useMemo(() => ((doc as { forms?: Obj[] } | undefined)?.forms ?? []), [doc])
  const fi = forms.findIndex((f) => f.key === formKey)
  const flows = useMemo(() => (doc === undefined ? [] : flowsOf(doc)), [doc])
  const flowIndex = flowKey === undefined ? -1 : flows.findIndex((f) => f.key === flowKey)
  const problems = useMemo(() => snapshot?.problems ?? [], [snapshot])
  // expressions complete the fields of the form being designed, or of the flow's form
  const scopeForm = flowKey === undefined ? formKey ?? null : (flows[flowIndex] as { form?: unknown } | undefined)?.form
  const expressionScope = useMemo(() => ({ doc, form: typeof scopeForm === 'string' ? scopeForm : null }), [doc, scopeForm])
  const flagged = useMemo(() => new Set(problems.flatMap((p) => {
    const sel = doc === undefined ? null : selectionOf(doc, p.path)
    return sel && sel.form === fi && sel.field ? [sel.field] : []
  })), [problems, doc, fi])

  if (error) return <Result status="error" title={error.message} />
  if (!store || !snapshot || doc === undefined || !catalog.data) return <Spin className="designer-loading" />
  if (flowKey === undefined && !area && !analytics && (formKey === undefined || fi < 0)) {
    const first = forms[0]
    if (first && typeof first.key === 'string' && formKey === undefined) {
      void navigate(`/design/${appKey}/forms/${first.key}`, { replace: true })
      return null
    }
  }

  const pick = (problem: Problem) => {
    const inFlow = flowSelectionOf(doc, problem.path)
    if (inFlow) {
      const key = flows[inFlow.flow]?.key
      if (key !== undefined && key !== flowKey) void navigate(`/design/${appKey}/flows/${key}`)
      setFlowSelection({ node: inFlow.node, edge: inFlow.edge })
      return
    }
    for (const other of DESIGNER_AREAS) {
      const to = other.route(doc, problem.path)
      if (to !== null) return void navigate(`/design/${appKey}/${to}`)
    }
    const elsewhere = analyticsLink(appKey, doc, problem.path)
    if (elsewhere) return void navigate(elsewhere)
    const sel = selectionOf(doc, problem.path)
    if (sel.form !== null) {
      const key = (formAt(doc, sel.form) as Obj | undefined)?.key
      if (typeof key === 'string' && key !== formKey) void navigate(`/design/${appKey}/forms/${key}`)
      setSelection({ field: sel.field, section: sel.section })
    }
  }

  const addForm = () => {
    const key = uniqueKey('form', new Set(forms.map((f) => String(f.key))), { numbered: true })
    const label = { [i18n.language]: t('designer.newForm') }  // the other language's catalogue is not loaded
    store.edit(Array.isArray((doc as { forms?: unknown }).forms)
      ? [{ op: 'insert', path: ['forms', '-'], value: { key, label, fields: [] } }]
      : [{ op: 'set', path: ['forms'], value: [{ key, label, fields: [] }] }])
    void navigate(`/design/${appKey}/forms/${key}`)
  }

  const addFlow = () => {
    const key = uniqueKey('flow', new Set(flows.map((f) => f.key)), { numbered: true })
    const label = { 'zh-CN': t('designer.flow.newFlow', { lng: 'zh-CN' }), en: t('designer.flow.newFlow', { lng: 'en' }) }
    const form = typeof formKey === 'string' ? formKey : String(forms[0]?.key ?? '')
    // the two ends named as the palette names their kinds (开始 / 结束), not by their ids
    const named = (kind: string) => {
      const entry = catalog.data?.flows.node_kinds.find((k) => k.key === kind)
      return entry ? { id: kind, kind, label: { 'zh-CN': entry.label['zh-CN'], en: entry.label.en } } : { id: kind, kind }
    }
    const flow = { key, label, form, nodes: [named('start'), named('end')], edges: [{ source: 'start', target: 'end' }] }
    store.edit(Array.isArray((doc as { flows?: unknown }).flows)
      ? [{ op: 'insert', path: ['flows', '-'], value: flow }] : [{ op: 'set', path: ['flows'], value: [flow] }])
    setFlowSelection({ node: null, edge: null })
    void navigate(`/design/${appKey}/flows/${key}`)
  }

  const publishedFlow = ((published.data as { flows?: Obj[] } | null | undefined)?.flows ?? []).find((f) => f.key === flowKey) ?? null
  const publishedForm = ((published.data as { forms?: Obj[] } | null | undefined)?.forms ?? []).find((f) => f.key === formKey) ?? null
  const appLabel = pickLabel((doc as Obj).label, i18n.language, appKey)
  const status = snapshot.status

  return <Layout className="designer">
    <div className="designer-toolbar" role="toolbar" aria-label={t('designer.toolbar')}>
      <Space size={8}>
        <Typography.Title level={4} style={{ margin: 0 }}>{t('designer.title', { app: appLabel })}</Typography.Title>
        <Tooltip title={snapshot.saveError ?? undefined}>
          <Tag color={STATUS_COLOR[status]} role="status" aria-label={t('designer.status.label')}>{t(`designer.status.${status}`)}</Tag>
        </Tooltip>
      </Space>
      <Space size={4} wrap>
        <Tooltip title={KEYS.undo}><Button icon={<UndoOutlined />} aria-label={t('designer.undo')} disabled={!snapshot.canUndo}
          onClick={() => store.undo()} /></Tooltip>
        <Tooltip title={KEYS.redo}><Button icon={<RedoOutlined />} aria-label={t('designer.redo')} disabled={!snapshot.canRedo}
          onClick={() => store.redo()} /></Tooltip>
        <Tooltip title={KEYS.save}><Button icon={<SaveOutlined />} onClick={() => void store.saveNow()}
          loading={status === 'saving'}>{t('designer.save')}</Button></Tooltip>
        <Badge count={problems.length} size="small" overflowCount={99}>
          <Button icon={<WarningOutlined />} onClick={() => setPanel('problems')}>{t('designer.problems.button')}</Button>
        </Badge>
        <Button icon={<HistoryOutlined />} onClick={() => setPanel('versions')}>{t('designer.versions.button')}</Button>
        <Button icon={<DeleteOutlined />} onClick={() => setPanel('trash')}>{t('designer.trash.button')}</Button>
        {version ? <Link to={`/a/${appKey}`}><Button icon={<EyeOutlined />}>{t('designer.openApp')}</Button></Link> : null}
        <Button type="primary" icon={<CloudUploadOutlined />} onClick={() => setPanel('publish')}>{t('designer.publish.button')}</Button>
      </Space>
    </div>
    <Layout className="designer-body">
      <Layout.Sider width={180} theme="light" className="designer-forms">
        <Menu mode="inline" aria-label={t('designer.forms')} selectedKeys={area ? [`area:${area.path}`] : flowKey === undefined && formKey ? [formKey] : []}
          onClick={({ key }) => {
            setSelection({ field: null, section: null })
            void navigate(`/design/${appKey}/${key.startsWith('area:') ? key.slice(5) : `forms/${key}`}`)
          }}
          items={[...forms.map((f) => ({ key: String(f.key), label: pickLabel(f.label, i18n.language, String(f.key)) })),
            ...(DESIGNER_AREAS.length > 0 ? [{ type: 'divider' as const }] : []),
            ...DESIGNER_AREAS.map((a) => ({ key: `area:${a.path}`, icon: a.icon, label: t(a.label) }))]} />
        <AnalyticsNav appKey={appKey} doc={doc} route={analytics} />
        <Button type="dashed" icon={<PlusOutlined />} onClick={addForm} style={{ margin: 8, width: 'calc(100% - 16px)' }}>
          {t('designer.addForm')}</Button>
        <Typography.Text type="secondary" className="designer-list-title">{t('designer.flow.list')}</Typography.Text>
        <Menu mode="inline" aria-label={t('designer.flow.list')} selectedKeys={flowKey ? [flowKey] : []}
          onClick={({ key }) => {
            setFlowSelection({ node: null, edge: null })
            void navigate(`/design/${appKey}/flows/${key}`)
          }}
          items={flows.map((f) => ({ key: f.key, label: pickLabel(f.label, i18n.language, f.key) }))} />
        <Button type="dashed" icon={<PlusOutlined />} onClick={addFlow} style={{ margin: 8, width: 'calc(100% - 16px)' }}>
          {t('designer.flow.add')}</Button>
      </Layout.Sider>
      <Layout.Content className="designer-content"><ExpressionScope.Provider value={expressionScope}>
        {flowKey !== undefined ? (flowIndex < 0 ? <Result status="404" title={t('designer.flow.none')} />
          : <Suspense fallback={<Spin className="designer-loading" />}>
            <FlowDesigner key={flowKey} appKey={appKey} store={store} doc={doc} fi={flowIndex} catalog={catalog.data}
              problems={problems} publishedFlow={publishedFlow} selection={flowSelection} onSelect={setFlowSelection} />
          </Suspense>)
          : area ? <Suspense fallback={<Spin className="designer-loading" />}>
            <area.Page appKey={appKey} store={store} doc={doc} catalog={catalog.data} problems={problems} /></Suspense>
          : analytics ? <Suspense fallback={<Spin className="designer-loading" />}>
            <AnalyticsDesigner appKey={appKey} store={store} doc={doc} catalog={catalog.data} problems={problems} route={analytics} />
          </Suspense>
          : fi < 0 ? <Result status="404" title={t('designer.noForm')} />
          : <FormDesigner key={formKey} appKey={appKey} store={store} doc={doc} fi={fi} catalog={catalog.data}
            publishedForm={publishedForm} selection={selection} onSelect={setSelection} flagged={flagged} />}
      </ExpressionScope.Provider></Layout.Content>
    </Layout>
    <Suspense fallback={null}>
      {seen.has('problems') && <ProblemsDrawer open={panel === 'problems'} onClose={() => setPanel(null)} problems={problems} doc={doc} onPick={pick} />}
      {seen.has('trash') && <TrashDrawer open={panel === 'trash'} onClose={() => setPanel(null)} store={store} trash={snapshot.state.trash} />}
      {seen.has('versions') && <VersionsDrawer appKey={appKey} open={panel === 'versions'} onClose={() => setPanel(null)} store={store} doc={doc}
        published={version ?? null} />}
      {panel === 'publish' && <PublishDialog appKey={appKey} store={store} onClose={() => setPanel(null)}
        onPublished={(n) => setPublishedVersion(n)} onPickProblem={pick} />}
    </Suspense>
  </Layout>
}
