import { Alert, Descriptions, Space, Tag } from 'antd'
import { useTranslation } from 'react-i18next'
import { pickLabel } from '../../core/labels'
import type { PackageUpload } from './queries'

const SIGNATURE_TYPE = { trusted: 'success', untrusted: 'warning', unsigned: 'warning', bad: 'error' } as const

/** What an uploaded package is and who signed it. */
export function PackageSummary({ upload }: { upload: PackageUpload }) {
  const { t, i18n } = useTranslation()
  const info = upload.package
  const status = upload.signature.status
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Alert
        type={SIGNATURE_TYPE[status]}
        showIcon
        message={t(`install.signature.${status}`)}
        description={upload.signature.key_id ? t('install.signature.key', { key: upload.signature.key_id }) : undefined}
      />
      <Descriptions size="small" column={2} bordered labelStyle={{ whiteSpace: 'nowrap' }}>
        <Descriptions.Item label={t('install.name')}>{pickLabel(info.name, i18n.language, info.key)}</Descriptions.Item>
        <Descriptions.Item label={t('install.version')}>{info.version}</Descriptions.Item>
        <Descriptions.Item label={t('install.publisher')}>{info.publisher ?? info.author ?? '—'}</Descriptions.Item>
        <Descriptions.Item label={t('install.licence')}>{info.licence ?? '—'}</Descriptions.Item>
        <Descriptions.Item label={t('install.category')}>{info.category ?? '—'}</Descriptions.Item>
        <Descriptions.Item label={t('install.tags')}>
          {(info.tags ?? []).map((tag) => (
            <Tag key={tag}>{tag}</Tag>
          ))}
        </Descriptions.Item>
        {info.description && (
          <Descriptions.Item label={t('install.description')} span={2}>
            {pickLabel(info.description, i18n.language, '')}
          </Descriptions.Item>
        )}
      </Descriptions>
    </Space>
  )
}
