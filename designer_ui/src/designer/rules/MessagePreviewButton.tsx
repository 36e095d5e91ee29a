import { EyeOutlined } from '@ant-design/icons'
import { useMutation } from '@tanstack/react-query'
import { Alert, Button, Descriptions, Form, Modal } from 'antd'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { ApiError } from '../../api/client'
import { RecordPicker } from './RecordPicker'
import { previewMessage } from './rulesApi'
import type { RuleScope } from './useRuleScope'

interface Props {
  appKey: string
  form: string | null
  scope: RuleScope
  subject: string
  body: string
}

const problems = (error: unknown): string => (error instanceof ApiError && error.errors.length > 0
  ? error.errors.map((e) => `${e.path}: ${e.message}`).join('; ') : error instanceof Error ? error.message : String(error))

/** The message rendered on the server, in the template sandbox, against a real record of the rule's form. */
export function MessagePreviewButton({ appKey, form, scope, subject, body }: Props) {
  const { t } = useTranslation()
  const [open, setOpen] = useState(false)
  const [record, setRecord] = useState<number | null>(null)
  const render = useMutation({ mutationFn: (id: number) => previewMessage(appKey, { form: form ?? '', record_id: id, subject, body }) })
  return <>
    <Button size="small" icon={<EyeOutlined />} disabled={!form} onClick={() => setOpen(true)}>{t('designer.rules.preview.button')}</Button>
    <Modal open={open} title={t('designer.rules.preview.title')} onCancel={() => setOpen(false)} footer={null} width={640} destroyOnHidden>
      <Form layout="vertical" component="div">
        <Form.Item label={t('designer.rules.record.label')} htmlFor="message-preview-record">
          <RecordPicker id="message-preview-record" appKey={appKey} form={form ?? ''} titleField={scope.titleField(form)} value={record}
            onChange={(id) => {
              setRecord(id)
              if (id !== null) render.mutate(id)
            }} />
        </Form.Item>
      </Form>
      {render.isError && <Alert type="error" showIcon message={t('designer.rules.preview.failed')} description={problems(render.error)} />}
      {render.data && !render.isError && <Descriptions bordered size="small" column={1} aria-label={t('designer.rules.preview.result')}
        items={[
          { key: 'subject', label: t('designer.rules.action.subject'), children: render.data.subject },
          { key: 'body', label: t('designer.rules.action.body'), children: <iframe title={t('designer.rules.action.body')}
            sandbox="" srcDoc={render.data.body} className="rules-message-body" /> },
        ]} />}
    </Modal>
  </>
}
