import { Card, Empty, List, Skeleton, Space, Tag, Typography } from 'antd'
import { useTranslation } from 'react-i18next'
import { pickLabel } from '../../../core/labels'
import { useMe } from '../../../session'
import { ErrorState } from '../../ErrorState'
import type { RecordRef } from './recordRef'
import { SlaTag } from './SlaTag'
import { TaskActions, type FlowHooks } from './TaskActions'
import { nameOf } from '../../../core/tasks/people'
import { usePeople } from './usePeople'
import { useRecordFlows } from './useRecordFlows'

/** Where the record is in its flows: state, SLA clock, open steps and who holds them; my own steps
 * come with their actions. */
export function FlowPanel({ record, beforeAct, afterAct }: { record: RecordRef } & FlowHooks) {
  const { t, i18n } = useTranslation()
  const flows = useRecordFlows(record)
  const people = usePeople()
  const me = useMe()
  if (flows.isPending) return <Skeleton active />
  if (flows.error) return <ErrorState error={flows.error} onRetry={() => void flows.refetch()} />
  if (flows.data.length === 0) return <Empty description={t('side.flow.none')} image={Empty.PRESENTED_IMAGE_SIMPLE} />
  const myId = me.data?.user.id
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      {flows.data.map((flow) => (
        <Card
          key={flow.id}
          size="small"
          title={
            <Space wrap>
              {pickLabel(flow.flow_label, i18n.language, flow.flow_key)}
              <Tag color={flow.state === 'running' ? 'processing' : 'default'}>
                {t(`side.flow.state.${flow.state}`, { defaultValue: flow.state })}
              </Tag>
              {flow.state === 'running' && <SlaTag state={flow.sla_state} dueAt={flow.due_at} />}
            </Space>
          }
        >
          <Typography.Paragraph type="secondary" style={{ marginBottom: 8 }}>
            {t('side.flow.startedBy', {
              name: nameOf(people.data, flow.started_by, t('side.flow.outsider')),
              at: flow.started_at ? new Date(flow.started_at).toLocaleString(i18n.language) : '—',
            })}
            {flow.working_minutes !== null && ` · ${t('side.flow.workingMinutes', { minutes: Math.round(Number(flow.working_minutes)) })}`}
          </Typography.Paragraph>
          {flow.open_tasks.length === 0 ? (
            <Typography.Text type="secondary">{t('side.flow.noOpenTasks')}</Typography.Text>
          ) : (
            <section aria-label={t('side.flow.openTasks')}>
            <List
              size="small"
              dataSource={flow.open_tasks}
              renderItem={(task) => {
                const step = pickLabel(task.node_label, i18n.language, task.node_id)
                const mine = task.assignee_id === myId
                return (
                  <List.Item style={{ display: 'block' }}>
                    <Space wrap style={{ marginBottom: mine ? 8 : 0 }}>
                      <Typography.Text strong>{step}</Typography.Text>
                      <Typography.Text type="secondary">
                        {t('side.flow.holder', { name: nameOf(people.data, task.assignee_id) })}
                      </Typography.Text>
                      <SlaTag state={task.sla_state} dueAt={task.due_at} />
                      {mine && <Tag color="blue">{t('side.flow.mine')}</Tag>}
                    </Space>
                    {mine && <TaskActions task={task} stepName={step} beforeAct={beforeAct} afterAct={afterAct} />}
                  </List.Item>
                )
              }}
            />
            </section>
          )}
        </Card>
      ))}
    </Space>
  )
}
