import { App, Button, Form, Input, Modal, Popconfirm, Select, Space } from 'antd'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { ApiError } from '../../../api/client'
import { actionsFor, isDestructive, peopleNeeded, type TaskAction } from '../../../core/tasks/actions'
import { runTaskAction, type ActionSteps } from '../../../core/tasks/runAction'
import type { OpenTask } from '../../../core/tasks/types'
import { usePeople } from './usePeople'
import { useTaskAction } from './useTaskAction'

/** The record form's part in a task action (see runTaskAction). */
export type FlowHooks = Pick<ActionSteps, 'beforeAct' | 'afterAct'>

/** What I may do with my open task: the actions its role allows, with a comment. */
export function TaskActions({ task, stepName, beforeAct, afterAct }: { task: OpenTask; stepName: string } & FlowHooks) {
  const { t } = useTranslation()
  const { message } = App.useApp()
  const [comment, setComment] = useState('')
  const [picking, setPicking] = useState<TaskAction | null>(null)
  const [picked, setPicked] = useState<number[]>([])
  const people = usePeople()
  const act = useTaskAction()
  const commentId = `task-comment-${task.id}`

  async function run(action: TaskAction, users: number[] = []) {
    const outcome = await runTaskAction({
      beforeAct,
      afterAct,
      act: async () => {
        await act.mutateAsync({ taskId: task.id, action, comment, users })
        setComment('')
        setPicking(null)
        setPicked([])
        message.success(t('side.actions.done', { action: t(`side.actions.${action}`), step: stepName }))
      },
    })
    if (!outcome.done && outcome.reason === 'failed') {
      const error = outcome.error
      const detail = error instanceof ApiError ? [error.message, ...error.errors.map((e) => `${e.path}: ${e.message}`)] : [String(error)]
      message.error(detail.join(' · '))
    }
  }

  const buttons = actionsFor(task.role).map((action) => {
    const label = t(`side.actions.${action}`)
    const common = { key: action, loading: act.isPending && act.variables?.action === action }
    if (peopleNeeded(action) !== 'none')
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
        okButtonProps={{ disabled: picked.length === 0, loading: act.isPending }}
        onOk={() => picking && run(picking, picked)}
        onCancel={() => setPicking(null)}
        destroyOnHidden
      >
        <Form layout="vertical" component="div">
          <Form.Item label={t('side.actions.people')} htmlFor={`people-${task.id}`}>
            <Select
              id={`people-${task.id}`}
              mode={picking === 'add_signer' ? 'multiple' : undefined}
              showSearch
              optionFilterProp="label"
              value={picking === 'add_signer' ? picked : picked[0]}
              onChange={(value: number | number[]) => setPicked(Array.isArray(value) ? value : [value])}
              options={(people.data ?? []).map((p) => ({ value: p.id, label: p.name }))}
              loading={people.isPending}
            />
          </Form.Item>
        </Form>
      </Modal>
    </div>
  )
}
