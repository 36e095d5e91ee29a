// Moving running flow instances on publish: the dry run counts the current version's running instances
// on each node (`instances`) with the draft's node of the same id; the designer edits the node map and
// sends, for each flow chosen, `{old node: new node}` (server: platform/flows/migrate.py).

export interface RunningNode { node: string; running: number; maps_to: string | null }
export interface RunningFlow { flow: string; running: number; in_draft: boolean; nodes: RunningNode[]; new_nodes: string[] }

export type NodeMap = Record<string, string | null>

/** The node map the dry run proposes: every node to the draft's node of the same id (null: none). */
export function defaultNodeMap(flow: RunningFlow): NodeMap {
  return Object.fromEntries(flow.nodes.map((n) => [n.node, n.maps_to]))
}

/** Nodes instances stand on that the map sends nowhere: moving is refused until each has a target. */
export function unmapped(flow: RunningFlow, map: NodeMap): string[] {
  return flow.nodes.filter((n) => !map[n.node] || !flow.new_nodes.includes(map[n.node] ?? '')).map((n) => n.node)
}

/** The publish body's `migrate` for the flows chosen: only the entries that change a node's id. */
export function migrateBody(chosen: Record<string, NodeMap>): Record<string, Record<string, string>> {
  return Object.fromEntries(Object.entries(chosen).map(([flow, map]) => [flow, Object.fromEntries(
    Object.entries(map).filter((e): e is [string, string] => e[1] !== null && e[1] !== e[0]))]))
}

/** What each node of the draft receives under the map: the old nodes sent there, with their running counts. */
export function arrivals(flow: RunningFlow, map: NodeMap): Map<string, RunningNode[]> {
  const into = new Map<string, RunningNode[]>()
  for (const old of flow.nodes) {
    const target = map[old.node]
    if (!target || !flow.new_nodes.includes(target)) continue
    into.set(target, [...(into.get(target) ?? []), old])
  }
  return into
}

/** The map with `old` sent to `target`, and the old node to choose next: the first after it still unmapped, else none. */
export function sendTo(flow: RunningFlow, map: NodeMap, old: string, target: string): { map: NodeMap; next: string | null } {
  const next = { ...map, [old]: target }
  const open = unmapped(flow, next)
  const after = flow.nodes.map((n) => n.node)
  const from = after.indexOf(old)
  const following = [...after.slice(from + 1), ...after.slice(0, from)].find((n) => open.includes(n)) ?? null
  return { map: next, next: following }
}
