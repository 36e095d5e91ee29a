/** The react-query key of one record, shared by the page and its save. */
export const recordKey = (app: string, form: string, id: number | null) => ['apps', app, 'forms', form, 'records', id]
