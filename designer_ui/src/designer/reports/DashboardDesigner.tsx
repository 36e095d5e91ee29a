import { DeleteOutlined, PlusOutlined } from '@ant-design/icons'
import { DndContext, PointerSensor, useSensor, useSensors } from '@dnd-kit/core'
import { Button, Card, Form, Input, InputNumber, Select, Space, Tabs, Typography } from 'antd'
import { useMemo, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Link } from 'react-router'
import { addWidgetOps, boxesOf, bottomOf, dashboardsOf, layoutOps, paramsFor, placeWidget, removeWidgetOps, wireFilterOps,
  type Box } from '../../core/design/dashboardModel'
import type { DraftStore, Problem } from '../../core/design/draftStore'
import { uniqueKey } from '../../core/design/keys'
import { formsOf, reportsOf } from '../../core/design/reportModel'
import { pickLabel } from '../../core/labels'
import type { Catalog } from '../designerApi'
import { JsonPanel } from '../JsonPanel'
import { DashboardGrid, type WidgetCard } from './DashboardGrid'

interface Props {
  appKey: string
  store: DraftStore
  doc: unknown
  di: number
  catalog: Catalog
  problems: readonly Problem[]
  at: string | null
}

/** The dashboard designer: widgets placed and resized on the grid by drag, filters wired to widgets' parameters. */
export function DashboardDesigner({ appKey, store, doc, di, catalog, problems, at }: Props) {
  const { t, i18n } = useTranslation()
  const dashboard = dashboardsOf(doc)[di]
  const widgets = useMemo(() => dashboard?.widgets ?? [], [dashboard])
  const [selected, setSelected] = useState<string | null>(() => {
    const m = at ? /^\/dashboards\/\d+\/widgets\/(\d+)/.exec(at) : null
    return m ? widgets[Number(m[1])]?.key ?? null : null
  })
  const sensors = useSensors(useSensor(PointerSensor, { activationConstraint: { distance: 5 } }))
  const reports = reportsOf(doc)
  const lang = i18n.language
  const boxes = useMemo(() => boxesOf(dashboard), [dashboard])
  const cards = useMemo(() => new Map<string, WidgetCard>(widgets.map((w) => {
    const report = reports.find((r) => r.key === w.report)
    const type = String((w.chart as { type?: unknown } | null | undefined)?.type ?? report?.chart?.type ?? 'table')
    return [w.key, { key: w.key, title: pickLabel(w.title, lang, pickLabel(report?.label, lang, w.key)),
      subtitle: t('designer.reports.fromReport', { report: pickLabel(report?.label, lang, w.report) }),
      chart: pickLabel(catalog.reports.chart_kinds.find((c) => c.key === type)?.label, lang, type) }]
  })), [widgets, reports, lang, t, catalog])
  const flagged = useMemo(() => new Set(problems.flatMap((p) => {
    const m = new RegExp(`^/dashboards/${String(di)}/widgets/(\\d+)`).exec(p.path)
    const key = m ? widgets[Number(m[1])]?.key : undefined
    return key ? [key] : []
  })), [problems, di, widgets])
  if (!dashboard) return null
  const columns = dashboard.columns ?? 12
  const base = ['dashboards', String(di)]
  const onLayout = (next: Box[]) => store.edit(layoutOps(doc, di, next))
  const wi = widgets.findIndex((w) => w.key === selected)
  const widget = wi >= 0 ? widgets[wi] : undefined
  const pointer = widget ? `/dashboards/${String(di)}/widgets/${String(wi)}` : `/dashboards/${String(di)}`

  const addWidget = (reportKey: string) => {
    const report = reports.find((r) => r.key === reportKey)
    const key = uniqueKey(reportKey.slice(0, 55), new Set(widgets.map((w) => w.key)))
    store.edit(addWidgetOps(doc, di, { key, report: reportKey, ...(report?.label ? { title: report.label } : {}),
      x: 0, y: bottomOf(boxes), w: Math.min(6, columns), h: 4 }))
    setSelected(key)
  }
  const removeWidget = (key: string) => {
    const { ops, restore } = removeWidgetOps(doc, di, key)
    store.remove(ops, { kind: 'widget', label: `${pickLabel(dashboard.label, lang, dashboard.key)} · ${cards.get(key)?.title ?? key}`, restore })
    setSelected(null)
  }

  const widgetProps = widget && (() => {
    const title = widget.title ?? {}
    const at = [...base, 'widgets', String(wi)]
    const report = reports.find((r) => r.key === widget.report)
    const form = formsOf(doc).find((f) => f.key === report?.dataset?.form)
    const set = (k: string, v: unknown, coalesce?: string) => store.edit([{ op: 'set', path: [...at, k], value: v }],
      coalesce ? { coalesce: `${at.join('/')}/${coalesce}` } : {})
    return <Form layout="vertical" size="small" component="div">
      <Form.Item label={t('designer.reports.titleZh')} htmlFor="widget-title-zh">
        <Input id="widget-title-zh" value={title['zh-CN'] ?? ''} onChange={(e) => set('title', { ...title, 'zh-CN': e.target.value }, 'zh')} />
      </Form.Item>
      <Form.Item label={t('designer.reports.titleEn')} htmlFor="widget-title-en">
        <Input id="widget-title-en" value={title.en ?? ''} onChange={(e) => set('title', { ...title, en: e.target.value }, 'en')} />
      </Form.Item>
      <Form.Item label={t('designer.reports.widgetReport')} htmlFor="widget-report">
        <Select id="widget-report" value={widget.report} showSearch optionFilterProp="label"
          options={reports.map((r) => ({ value: r.key, label: pickLabel(r.label, lang, r.key) }))} onChange={(v: string) => set('report', v)} />
      </Form.Item>
      {report && <Link to={`/design/${appKey}/reports/${encodeURIComponent(report.key)}`}>{t('designer.reports.openReport')}</Link>}
      <Space style={{ marginTop: 12 }} wrap>
        {(['x', 'y', 'w', 'h'] as const).map((k) => {
          const box = boxes.find((b) => b.key === widget.key)
          return <Form.Item key={k} label={t(`designer.reports.pos.${k}`)} htmlFor={`widget-${k}`} style={{ marginBottom: 4 }}>
            <InputNumber id={`widget-${k}`} style={{ width: 64 }} min={k === 'x' || k === 'y' ? 0 : 1} value={box?.[k]}
              onChange={(v) => typeof v === 'number' && box && onLayout(placeWidget(boxes, widget.key, { [k]: v }, columns))} />
          </Form.Item>
        })}
      </Space>
      <Card size="small" title={t('designer.reports.drill')} style={{ marginTop: 8 }}>
        <Typography.Text type="secondary">{t('designer.reports.drillTo', { form: pickLabel(form?.label, lang, report?.dataset?.form ?? '—') })}</Typography.Text>
      </Card>
      {(dashboard.filters ?? []).length > 0 && <Card size="small" title={t('designer.reports.wiring')} style={{ marginTop: 8 }}>
        {(dashboard.filters ?? []).map((f, fi) => <Form.Item key={f.key} label={t('designer.reports.wireTo', { filter: pickLabel(f.label, lang, f.key) })}
          htmlFor={`wire-${f.key}`}>
          <Select id={`wire-${f.key}`} allowClear value={f.targets?.[widget.key]} placeholder={t('designer.reports.notWired')}
            options={paramsFor(report, f.type).map((p) => ({ value: p, label: p }))}
            onChange={(v: string | undefined) => store.edit(wireFilterOps(doc, di, fi, widget.key, v ?? null))} />
        </Form.Item>)}
      </Card>}
      <Button danger icon={<DeleteOutlined />} style={{ marginTop: 12 }} onClick={() => removeWidget(widget.key)}>{t('designer.reports.removeWidget')}</Button>
    </Form>
  })()

  const label = dashboard.label ?? {}
  const settings = <Form layout="vertical" size="small" component="div">
    <Form.Item label={t('designer.reports.nameZh')} htmlFor="dashboard-label-zh">
      <Input id="dashboard-label-zh" value={label['zh-CN'] ?? ''} onChange={(e) => store.edit([{ op: 'set', path: [...base, 'label'],
        value: { ...label, 'zh-CN': e.target.value } }], { coalesce: `${base.join('/')}/zh` })} />
    </Form.Item>
    <Form.Item label={t('designer.reports.nameEn')} htmlFor="dashboard-label-en">
      <Input id="dashboard-label-en" value={label.en ?? ''} onChange={(e) => store.edit([{ op: 'set', path: [...base, 'label'],
        value: { ...label, en: e.target.value } }], { coalesce: `${base.join('/')}/en` })} />
    </Form.Item>
    <Card size="small" title={t('designer.reports.filters')}>
      {(dashboard.filters ?? []).map((f) => <div key={f.key} className="dashboard-filter-row">
        <Typography.Text>{pickLabel(f.label, lang, f.key)}</Typography.Text>
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {t('designer.reports.wiredCount', { n: Object.keys(f.targets ?? {}).length, total: widgets.length })}</Typography.Text>
      </div>)}
      {(dashboard.filters ?? []).length === 0 && <Typography.Text type="secondary">{t('designer.reports.noFilters')}</Typography.Text>}
    </Card>
  </Form>

  return <div className="report-designer dashboard-designer">
    <nav className="report-fields" aria-label={t('designer.reports.widgetPalette')}>
      <Typography.Text strong className="designer-pane-title">{t('designer.reports.widgetPalette')}</Typography.Text>
      <Space direction="vertical" style={{ width: '100%' }} size={4}>
        {reports.map((r) => <Button key={r.key} block size="small" icon={<PlusOutlined />} style={{ justifyContent: 'flex-start' }}
          aria-label={t('designer.reports.addWidget', { report: pickLabel(r.label, lang, r.key) })} onClick={() => addWidget(r.key)}>
          <span className="report-source-name">{pickLabel(r.label, lang, r.key)}</span></Button>)}
      </Space>
    </nav>
    <main className="report-canvas" aria-label={t('designer.reports.canvas')}>
      <Typography.Title level={5} style={{ marginTop: 0 }}>{pickLabel(dashboard.label, lang, dashboard.key)}</Typography.Title>
      <Typography.Paragraph type="secondary" style={{ fontSize: 12 }}>{t('designer.reports.gridHelp')}</Typography.Paragraph>
      <DndContext sensors={sensors}>
        <DashboardGrid columns={columns} boxes={boxes} cards={cards} selected={selected} flagged={flagged}
          onSelect={setSelected} onLayout={onLayout} />
      </DndContext>
    </main>
    <aside className="designer-props" aria-label={t('designer.props.title')}>
      <Typography.Text strong className="designer-pane-title">
        {widget ? t('designer.reports.widgetTitle', { title: cards.get(widget.key)?.title ?? widget.key }) : t('designer.reports.dashboardSettings')}
      </Typography.Text>
      <Tabs size="small" items={[
        { key: 'props', label: t('designer.props.tab'), children: widget ? widgetProps : settings },
        { key: 'json', label: t('designer.json.tab'), children: <JsonPanel key={pointer} store={store} doc={doc} pointer={pointer} /> },
      ]} />
    </aside>
  </div>
}
