// Named response shapes of the generated schema, for the pages that pass them around.
import type { components } from './schema'

type Schemas = components['schemas']

export type Me = Schemas['Me']
export type AppSummary = Schemas['AppSummary']
export type PendingInbox = Schemas['PendingInbox']
export type AppNavigation = Schemas['AppNavigation']
export type NavForm = Schemas['NavForm']
