import type { components } from '../api/schema'

export type PublicForm = components['schemas']['PublicForm']
export type PublicField = components['schemas']['PublicField']
export type SurveyForm = components['schemas']['SurveyForm']
export type SubmissionStatus = components['schemas']['SubmissionStatus']
export type TreeOption = components['schemas']['TreeOption']
export type PublicUpload = components['schemas']['PublicUpload']
