import { useQueryClient } from '@tanstack/react-query'
import { App as AntApp, Form, Input, Modal } from 'antd'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { useNavigate } from 'react-router'
import { api, unwrap } from '../api/client'
import { KEY_PATTERN, keyFromLabel } from '../core/design/keys'

interface Values {
  name: string
  nameEn?: string
  key: string
}

/** The "new app" dialog (NewAppButton loads it on the first click, with antd's Form, and mounts it afresh at
 * each opening): a name (and an English one), a key made from it, then the designer. */
export function NewAppDialog({ taken, open, onClose }: { taken: readonly string[]; open: boolean; onClose: () => void }) {
  const { t } = useTranslation()
  const { message } = AntApp.useApp()
  const navigate = useNavigate()
  const client = useQueryClient()
  const [busy, setBusy] = useState(false)
  const [keyEdited, setKeyEdited] = useState(false)
  const [form] = Form.useForm<Values>()
  const suggest = (en: string | undefined) => keyFromLabel(en ? { en } : null, 'app', new Set(taken))

  const submit = async (values: Values) => {
    setBusy(true)
    try {
      const label: Record<string, string> = { 'zh-CN': values.name.trim() }
      if (values.nameEn?.trim()) label.en = values.nameEn.trim()
      const created = unwrap(await api.POST('/api/v1/apps', { body: { key: values.key, label } }))
      await client.invalidateQueries({ queryKey: ['apps'] })
      void message.success(t('home.created', { name: values.name }))
      onClose()
      void navigate(`/design/${created.key}`)
    } catch (error) {
      form.setFields([{ name: 'key', errors: [error instanceof Error ? error.message : String(error)] }])
    } finally {
      setBusy(false)
    }
  }

  return (
    <Modal title={t('home.newApp')} open={open} onCancel={onClose} okText={t('home.create')}
      cancelText={t('home.cancel')} confirmLoading={busy} onOk={() => form.submit()} destroyOnHidden>
      <Form form={form} layout="vertical" initialValues={{ name: '', nameEn: '', key: suggest(undefined) }} onFinish={(v) => void submit(v)}
        onValuesChange={(changed: Partial<Values>) => {
          if ('key' in changed) setKeyEdited(true)
          else if ('nameEn' in changed && !keyEdited) form.setFieldValue('key', suggest(changed.nameEn))
        }}>
        <Form.Item name="name" label={t('home.appName')} rules={[{ required: true, whitespace: true, message: t('home.appNameRequired') }]}>
          <Input maxLength={100} autoFocus />
        </Form.Item>
        <Form.Item name="nameEn" label={t('home.appNameEn')}>
          <Input maxLength={100} />
        </Form.Item>
        <Form.Item name="key" label={t('home.appKey')} extra={t('home.appKeyHelp')}
          rules={[{ required: true, pattern: KEY_PATTERN, message: t('home.appKeyInvalid') }]}>
          <Input maxLength={63} style={{ fontFamily: 'monospace' }} />
        </Form.Item>
      </Form>
    </Modal>
  )
}
