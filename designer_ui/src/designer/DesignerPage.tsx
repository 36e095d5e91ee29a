import { CloudUploadOutlined, DeleteOutlined, EyeOutlined, HistoryOutlined, PlusOutlined, RedoOutlined, SaveOutlined,
  UndoOutlined, WarningOutlined } from '@ant-design/icons'
import { Badge, Button, Layout, Menu, Result, Space, Spin, Tag, Tooltip, Typography } from 'antd'
import { lazy, Suspense, useMemo, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Link, useNavigate, useParams } from 'react-router'
import type { Problem, SaveStatus } from '../core/design/draftStore'
import { formAt } from '../core/design/formModel'
import { uniqueKey } from '../core/design/keys'
import { selectionOf } from '../core/design/selection'
import { pickLabel } from '../core/labels'
import { FormDesigner, type FormSelection } from './FormDesigner'
import { ProblemsDrawer } from './ProblemsDrawer'
import { PublishDialog } from './PublishDialog'
import { AnalyticsNav } from './reports/AnalyticsNav'
import { analyticsLink, useAnalyticsRoute } from './reports/route'
import { TrashDrawer } from './TrashDrawer'
import { useCatalog } from './useCatalog'
import { useDesignerKeys } from './useDesignerKeys'
import { useDraftSnapshot, useDraftStore } from './useDraftStore'
import { usePublishedDefinition } from './usePublishedDefinition'
import { VersionsDrawer } from './VersionsDrawer'
import './designer.css'

// the report and dashboard designers (and echarts behind their preview) load only when opened
const AnalyticsDesigner = lazy(() => import('./reports/AnalyticsDesigner'))

type Obj = { key?: unknown; label?: Record<string, string> }
type Panel = 'problems' | 'versions' | 'trash' | 'publish' | null

const STATUS_COLOR: Record<SaveStatus, string> = { saved: 'green', dirty: 'orange', saving: 'blue', error: 'red' }

/** /design/:app/forms/:form — the shell every designer shares (draft, undo, problems, versions, bin, publish) around the form designer. */
export function DesignerPage() {
  const { t, i18n } = useTranslation()
  const navigate = useNavigate()
  const { app: appKey = '', form: formKey } = useParams()
  const { store, detail } = useDraftStore(appKey)
  const snapshot = useDraftSnapshot(store)
  const catalog = useCatalog()
  const [publishedVersion, setPublishedVersion] = useState<number | null | undefined>(undefined)
  const version = publishedVersion === undefined ? detail.data?.current_version : publishedVersion
  const published = usePublishedDefinition(appKey, version)
  const [panel, setPanel] = useState<Panel>(null)
  const [selection, setSelection] = useState<FormSelection>({ field: null, section: null })
  const analytics = useAnalyticsRoute()

  useDesignerKeys({
    undo: () => store?.undo(), redo: () => store?.redo(), save: () => void store?.saveNow(),
  })

  const doc = snapshot?.state.doc
  const forms = useMemo(() => ((doc as { forms?: Obj[] } | undefined)?.forms ?? []), [doc])
  const fi = forms.findIndex((f) => f.key === formKey)
  const problems = useMemo(() => snapshot?.problems ?? [], [snapshot])
  const flagged = useMemo(() => new Set(problems.flatMap((p) => {
    const sel = doc === undefined ? null : selectionOf(doc, p.path)
    return sel && sel.form === fi && sel.field ? [sel.field] : []
  })), [problems, doc, fi])

  if (detail.isError) return <Result status="error" title={detail.error.message} />
  if (!store || !snapshot || doc === undefined || !catalog.data) return <Spin className="designer-loading" />
  if (!analytics && (formKey === undefined || fi < 0)) {
    const first = forms[0]
    if (first && typeof first.key === 'string' && formKey === undefined) {
      void navigate(`/design/${appKey}/forms/${first.key}`, { replace: true })
      return null
    }
  }

  const pick = (problem: Problem) => {
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
    const label = { 'zh-CN': t('designer.newForm', { lng: 'zh-CN' }), en: t('designer.newForm', { lng: 'en' }) }
    store.edit(Array.isArray((doc as { forms?: unknown }).forms)
      ? [{ op: 'insert', path: ['forms', '-'], value: { key, label, fields: [] } }]
      : [{ op: 'set', path: ['forms'], value: [{ key, label, fields: [] }] }])
    void navigate(`/design/${appKey}/forms/${key}`)
  }

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
        <Tooltip title="Ctrl+Z"><Button icon={<UndoOutlined />} aria-label={t('designer.undo')} disabled={!snapshot.canUndo}
          onClick={() => store.undo()} /></Tooltip>
        <Tooltip title="Ctrl+Shift+Z"><Button icon={<RedoOutlined />} aria-label={t('designer.redo')} disabled={!snapshot.canRedo}
          onClick={() => store.redo()} /></Tooltip>
        <Tooltip title="Ctrl+S"><Button icon={<SaveOutlined />} onClick={() => void store.saveNow()}
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
        <Menu mode="inline" aria-label={t('designer.forms')} selectedKeys={formKey ? [formKey] : []}
          onClick={({ key }) => {
            setSelection({ field: null, section: null })
            void navigate(`/design/${appKey}/forms/${key}`)
          }}
          items={forms.map((f) => ({ key: String(f.key), label: pickLabel(f.label, i18n.language, String(f.key)) }))} />
        <AnalyticsNav appKey={appKey} doc={doc} route={analytics} />
        <Button type="dashed" icon={<PlusOutlined />} onClick={addForm} style={{ margin: 8, width: 'calc(100% - 16px)' }}>
          {t('designer.addForm')}</Button>
      </Layout.Sider>
      <Layout.Content className="designer-content">
        {analytics ? <Suspense fallback={<Spin className="designer-loading" />}>
          <AnalyticsDesigner appKey={appKey} store={store} doc={doc} catalog={catalog.data} problems={problems} route={analytics} />
        </Suspense> : fi < 0 ? <Result status="404" title={t('designer.noForm')} />
          : <FormDesigner key={formKey} appKey={appKey} store={store} doc={doc} fi={fi} catalog={catalog.data}
            publishedForm={publishedForm} selection={selection} onSelect={setSelection} flagged={flagged} />}
      </Layout.Content>
    </Layout>
    <ProblemsDrawer open={panel === 'problems'} onClose={() => setPanel(null)} problems={problems} doc={doc} onPick={pick} />
    <TrashDrawer open={panel === 'trash'} onClose={() => setPanel(null)} store={store} trash={snapshot.state.trash} />
    <VersionsDrawer appKey={appKey} open={panel === 'versions'} onClose={() => setPanel(null)} store={store} doc={doc}
      published={version ?? null} />
    {panel === 'publish' && <PublishDialog appKey={appKey} store={store} onClose={() => setPanel(null)}
      onPublished={(n) => setPublishedVersion(n)} onPickProblem={pick} />}
  </Layout>
}
