import { describe, expect, it } from 'vitest'
import { addNode, duplicateValues, moveNode, nodeAt, patchNode, removeNode, type OptionNode } from '../../src/core/design/optionTree'

const tree: OptionNode[] = [
  { value: 'product', label: { 'zh-CN': '产品' }, children: [{ value: 'quality', label: { 'zh-CN': '质量' } }] },
  { value: 'service', label: { 'zh-CN': '服务' } },
]

describe('option trees', () => {
  it('adds roots and children, never deeper than three levels', () => {
    const rooted = addNode(tree, null, { 'zh-CN': '新选项' })
    expect(rooted.map((n) => n.value)).toEqual(['product', 'service', 'option_1'])
    const child = addNode(tree, [0], { 'zh-CN': '新选项' })
    expect(nodeAt(child, [0])?.children?.map((n) => n.value)).toEqual(['quality', 'option_1'])
    const third = addNode(child, [0, 0], { 'zh-CN': '缺陷', en: 'Defect' })
    expect(nodeAt(third, [0, 0, 0])?.label).toEqual({ 'zh-CN': '缺陷', en: 'Defect' })
    expect(addNode(third, [0, 0, 0], { en: 'x' })).toEqual(third)  // a fourth level is not offered
    expect(tree[0]?.children?.length).toBe(1)  // the input is not changed
  })

  it('renames, moves and removes by path', () => {
    const renamed = patchNode(tree, [0, 0], { label: { 'zh-CN': '质量问题' } })
    expect(nodeAt(renamed, [0, 0])?.label).toEqual({ 'zh-CN': '质量问题' })
    expect(moveNode(tree, [1], -1).map((n) => n.value)).toEqual(['service', 'product'])
    expect(moveNode(tree, [1], 1).map((n) => n.value)).toEqual(['product', 'service'])
    expect(removeNode(tree, [0, 0])[0]?.children).toEqual([])
  })

  it('finds values repeated among siblings', () => {
    const twice = patchNode(tree, [1], { value: 'product' })
    expect(duplicateValues(twice)).toEqual([[1]])
    expect(duplicateValues(tree)).toEqual([])
  })
})
