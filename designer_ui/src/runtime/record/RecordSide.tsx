import { Tabs } from 'antd'
import { useTranslation } from 'react-i18next'
import { Comments } from './side/Comments'
import { FlowPanel } from './side/FlowPanel'
import type { FlowHooks } from './side/TaskActions'
import { HistoryTimeline } from './side/HistoryTimeline'
import { RelatedLists } from './side/RelatedLists'
import './side/side.css'

/** Beside a saved record's form: flow panel with my task's actions, comments, history, related lists.
 * `fieldLabel` names a field key in the history (the record page knows the form); keys are shown without it.
 * `beforeAct` / `afterAct`: the form's part in a task action (see FlowHooks). */
export function RecordSide(props: {
  appKey: string
  formKey: string
  recordId: string
  fieldLabel?: (key: string) => string
} & FlowHooks) {
  const { t } = useTranslation()
  const record = { appKey: props.appKey, formKey: props.formKey, recordId: Number(props.recordId) }
  const fieldLabel = props.fieldLabel ?? ((key: string) => key)
  if (!Number.isSafeInteger(record.recordId) || record.recordId < 1) return null
  return (
    <aside className="record-side" aria-label={t('side.title')}>
      <section aria-label={t('side.flow.title')} className="record-side-flow">
        <FlowPanel record={record} beforeAct={props.beforeAct} afterAct={props.afterAct} />
      </section>
      <Tabs
        defaultActiveKey="comments"
        items={[
          { key: 'comments', label: t('side.comments.title'), children: <Comments record={record} /> },
          { key: 'history', label: t('side.history.title'), children: <HistoryTimeline record={record} fieldLabel={fieldLabel} /> },
          { key: 'related', label: t('side.related.title'), children: <RelatedLists record={record} /> },
        ]}
      />
    </aside>
  )
}
