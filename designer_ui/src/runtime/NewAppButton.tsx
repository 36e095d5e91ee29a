import { PlusOutlined } from '@ant-design/icons'
import { Button } from 'antd'
import { lazy, Suspense, useState } from 'react'
import { useTranslation } from 'react-i18next'

// the dialog and antd's Form load on the first click: the home page of everyone else does not pay for them
const NewAppDialog = lazy(async () => ({ default: (await import('./NewAppDialog')).NewAppDialog }))

/** An organisation administrator's "new app": a name (and an English one), a key made from it, then the designer. */
export function NewAppButton({ taken }: { taken: readonly string[] }) {
  const { t } = useTranslation()
  const [open, setOpen] = useState(false)
  // each opening mounts a fresh dialog: a blank name, the key suggested for it
  const [opening, setOpening] = useState(0)
  return <>
    <Button type="primary" icon={<PlusOutlined />} onClick={() => {
      setOpening((n) => n + 1)
      setOpen(true)
    }}>{t('home.newApp')}</Button>
    {opening > 0 && (
      <Suspense fallback={null}>
        <NewAppDialog key={opening} taken={taken} open={open} onClose={() => setOpen(false)} />
      </Suspense>
    )}
  </>
}
