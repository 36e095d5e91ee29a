import { Checkbox, Form, Input, Modal } from 'antd'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'

interface Props {
  open: boolean
  saving: boolean
  error: string | null
  onSave: (name: string, shared: boolean) => void
  onCancel: () => void
}

/** Name a view (and share it) before it is saved. */
export function SaveViewModal({ open, saving, error, onSave, onCancel }: Props) {
  const { t } = useTranslation()
  const [name, setName] = useState('')
  const [shared, setShared] = useState(false)
  return (
    <Modal
      open={open}
      title={t('list.views.saveTitle')}
      okText={t('list.views.save')}
      cancelText={t('list.cancel')}
      confirmLoading={saving}
      okButtonProps={{ disabled: !name.trim() }}
      onOk={() => onSave(name.trim(), shared)}
      onCancel={onCancel}
      destroyOnHidden
    >
      <Form layout="vertical" onFinish={() => name.trim() && onSave(name.trim(), shared)}>
        <Form.Item label={t('list.views.name')} htmlFor="list-view-name" validateStatus={error ? 'error' : undefined} help={error}>
          <Input id="list-view-name" value={name} maxLength={100} autoFocus onChange={(e) => setName(e.target.value)} />
        </Form.Item>
        <Checkbox checked={shared} onChange={(e) => setShared(e.target.checked)}>
          {t('list.views.shared')}
        </Checkbox>
      </Form>
    </Modal>
  )
}
