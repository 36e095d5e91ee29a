// The organisation's installed template packages and trusted publisher keys (admin console).
import type { components } from '../../api/schema'

export type Installed = components['schemas']['Installed']
export type TrustedKey = components['schemas']['TrustedKey']
export type PackageUpload = components['schemas']['PackageUpload']
export type InstallPreview = components['schemas']['InstallPreview']
export type UpgradePreview = components['schemas']['UpgradePreview']
export type InstallResult = components['schemas']['InstallResult']

export const INSTALLS_KEY = ['admin', 'market', 'installs'] as const
export const KEYS_KEY = ['admin', 'market', 'keys'] as const
export const UPLOAD_URL = '/api/v1/admin/market/packages'
export type InstallJob = components['schemas']['InstallJob']
