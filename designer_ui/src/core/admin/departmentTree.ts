// Departments arrive as a flat list with parent ids; antd's Tree wants nested nodes.

export interface DepartmentRow {
  id: number
  key: string
  name: string
  parent_id: number | null
  manager_id: number | null
}

export interface DepartmentNode<T extends DepartmentRow = DepartmentRow> {
  department: T
  children: DepartmentNode<T>[]
}

/** Roots first, children under their parent, each level by name. A row whose parent is missing
 * (not visible, or deleted) becomes a root rather than vanishing. */
export function buildDepartmentTree<T extends DepartmentRow>(rows: readonly T[]): DepartmentNode<T>[] {
  const nodes = new Map<number, DepartmentNode<T>>()
  for (const row of rows) nodes.set(row.id, { department: row, children: [] })
  const roots: DepartmentNode<T>[] = []
  for (const node of nodes.values()) {
    const parentId = node.department.parent_id
    const parent = parentId === null ? undefined : nodes.get(parentId)
    if (parent && parent !== node) parent.children.push(node)
    else roots.push(node)
  }
  const byName = (a: DepartmentNode<T>, b: DepartmentNode<T>) => a.department.name.localeCompare(b.department.name)
  const sortDeep = (level: DepartmentNode<T>[]) => {
    level.sort(byName)
    for (const node of level) sortDeep(node.children)
  }
  sortDeep(roots)
  return roots
}
