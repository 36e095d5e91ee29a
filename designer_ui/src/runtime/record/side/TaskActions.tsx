import { App, Button, Form, Input, Modal, Popconfirm, Select, Space, Typography } from 'antd'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { ApiError } from '../../../api/client'
import { actionsOf, isDestructive, needsTarget, peopleNeeded, type TaskAction } from '../../../core/tasks/actions'
import { pickLabel } from '../../../core/labels'
import { runTaskAction, type ActionSteps } from '../../../core/tasks/runAction'
import type { OpenTask } from '../../../core/tasks/types'
import { usePeople } from './usePeople'
import { useTaskAction } from './useTaskAction'

/** The record form's part in a task action (see runTaskAction). */
export type FlowHooks = Pick<ActionSteps, 'beforeAct' | 'afterAct'>

/** What I may do with my open task: the actions its step allows, with a comment. */
export function TaskActions({ task, stepName, beforeAct, afterAct }: { task: OpenTask; stepName: string } & FlowHooks) {
  const { t, i18n } = useTranslation()
  const { message } = App.useApp()
  const [comment, setComment] = useState('')
  const [picking, setPicking] = useState<TaskAction | null>(null)
  const [picked, setPicked] = useState<number[]>([])
  const [target, setTarget] = useState<string | null>(null)
  const people = usePeople()
  const act = useTaskAction()
  const commentId = `task-comment-${task.id}`

  async function run(action: TaskAction, users: number[] = [], to: string | null = null) {
    const outcome = await runTaskAction({
      beforeAct,
      afterAct,
      act: async () => {
        await act.mutateAsync({ taskId: task.id, instanceId: task.instance_id, action, comment, users, target: to })
        setComment('')
        setPicking(null)
        setPicked([])
        setTarget(null)
        message.success(t('side.actions.done', { action: t(`side.actions.${action}`), step: stepName }))
      },
    })
    if (!outcome.done && outcome.reason === 'failed') {
      const error = outcome.error
      const detail = error instanceof ApiError ? [error.message, ...error.errors.map((e) => `${e.path}: ${e.message}`)] : [String(error)]
      message.error(detail.join(' · '))
    }
  }

  const choices = picking === 'reject' ? task.reject_to ?? [] : task.send_back_to ?? []
  const pickingTarget = picking !== null && needsTarget(picking, task)
  const many = picking !== null && peopleNeeded(picking) === 'many'
  const buttons = actionsOf(task).map((action) => {
    const label = t(`side.actions.${action}`)
    const common = { key: action, loading: act.isPending && act.variables?.action === action }
    if (peopleNeeded(action) !== 'none' || needsTarget(action, task))
      return (
        <Button {...common} onClick={() => setPicking(action)}>
          {label}
        </Button>
      )
    if (isDestructive(action))
      return (
        <Popconfirm
          key={action}
          title={t('side.actions.confirm', { action: label })}
          okText={label}
          cancelText={t('side.actions.cancel')}
          onConfirm={() => run(action)}
        >
          <Button danger={action === 'reject'} loading={common.loading}>
            {label}
          </Button>
        </Popconfirm>
      )
    return (
      <Button {...common} type="primary" onClick={() => run(action)}>
        {label}
      </Button>
    )
  })

  return (
    <div className="side-task-actions">
      <Form layout="vertical" component="div">
        <Form.Item label={t('side.actions.comment')} htmlFor={commentId} style={{ marginBottom: 8 }}>
          <Input.TextArea
            id={commentId}
            value={comment}
            onChange={(e) => setComment(e.target.value)}
            autoSize={{ minRows: 2, maxRows: 6 }}
            maxLength={4000}
          />
        </Form.Item>
      </Form>
      <Space wrap>{buttons}</Space>
      <Modal
        open={picking !== null}
        title={picking ? t(`side.actions.${picking}`) : ''}
        okText={picking ? t(`side.actions.${picking}`) : ''}
        cancelText={t('side.actions.cancel')}
        okButtonProps={{ disabled: pickingTarget ? target === null : picked.length === 0, loading: act.isPending }}
        onOk={() => picking && (pickingTarget ? run(picking, [], target) : run(picking, picked))}
        onCancel={() => setPicking(null)}
        destroyOnHidden
      >
        <Form layout="vertical" component="div">
          {picking && <Typography.Paragraph type="secondary">{t(`side.actions.help.${picking}`, { defaultValue: '' })}</Typography.Paragraph>}
          {pickingTarget ? (
            <Form.Item label={t('side.actions.target')} htmlFor={`target-${task.id}`}>
              <Select
                id={`target-${task.id}`}
                value={target ?? undefined}
                onChange={(value: string) => setTarget(value)}
                options={choices.map((c) => ({ value: c.id, label: pickLabel(c.label, i18n.language, c.id) }))}
              />
            </Form.Item>
          ) : (
            <Form.Item label={t('side.actions.people')} htmlFor={`people-${task.id}`}>
              <Select
                id={`people-${task.id}`}
                mode={many ? 'multiple' : undefined}
                showSearch
                optionFilterProp="label"
                value={many ? picked : picked[0]}
                onChange={(value: number | number[]) => setPicked(Array.isArray(value) ? value : [value])}
                options={(people.data ?? []).map((p) => ({ value: p.id, label: p.name }))}
                loading={people.isPending}
              />
            </Form.Item>
          )}
        </Form>
      </Modal>
    </div>
  )
}
