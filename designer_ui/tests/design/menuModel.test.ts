import { describe, expect, it } from 'vitest'
import { addGroup, addItem, menuEntries, moveGroup, moveItem, removeGroup, removeItem, renameGroup, ungrouped }
  from '../../src/core/design/menuModel'

const doc = {
  forms: [{ key: 'complaint', label: { 'zh-CN': '投诉' } }, { key: 'survey', label: { 'zh-CN': '回访' } }],
  dashboards: [{ key: 'cockpit', label: { 'zh-CN': '驾驶舱' } }],
  settings: { menu: [{ label: { 'zh-CN': '日常' }, items: ['dashboard:cockpit'] }] },
}

describe('the runtime menu in the draft', () => {
  it('lists forms then dashboards in definition order, and what no group names', () => {
    expect(menuEntries(doc).map((e) => e.item)).toEqual(['form:complaint', 'form:survey', 'dashboard:cockpit'])
    expect(ungrouped(doc).map((e) => e.item)).toEqual(['form:complaint', 'form:survey'])
    expect(ungrouped({ forms: [{ key: 'a' }] }).map((e) => e.key)).toEqual(['a'])
  })

  it('adds, renames, orders and removes groups', () => {
    const two = renameGroup(addGroup(doc.settings.menu, { 'zh-CN': '新分组' }), 1, 'en', 'New')
    expect(two.map((g) => g.label)).toEqual([{ 'zh-CN': '日常' }, { 'zh-CN': '新分组', en: 'New' }])
    expect(moveGroup(two, 1, -1).map((g) => g.label['zh-CN'])).toEqual(['新分组', '日常'])
    expect(moveGroup(two, 1, 1)).toEqual(two)  // already last
    expect(removeGroup(two, 0).map((g) => g.label['zh-CN'])).toEqual(['新分组'])
  })

  it('keeps an entry in one group, in the order set', () => {
    let groups = addGroup(doc.settings.menu, { 'zh-CN': '业务' })
    groups = addItem(groups, 1, 'form:survey')
    groups = addItem(groups, 1, 'form:complaint')
    expect(groups[1]?.items).toEqual(['form:survey', 'form:complaint'])
    groups = moveItem(groups, 1, 'form:complaint', -1)
    expect(groups[1]?.items).toEqual(['form:complaint', 'form:survey'])
    groups = addItem(groups, 0, 'form:survey')  // moved from group 1 to group 0
    expect(groups.map((g) => g.items)).toEqual([['dashboard:cockpit', 'form:survey'], ['form:complaint']])
    expect(removeItem(groups, 0, 'dashboard:cockpit')[0]?.items).toEqual(['form:survey'])
  })
})
