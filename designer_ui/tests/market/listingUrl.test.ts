import { describe, expect, it } from 'vitest'
import { changeCenter, changeListing, isFiltered, lastPage, readListing, screenshotUrl, writeListing } from '../../src/core/market/listingUrl'

const read = (query: string) => readListing(new URLSearchParams(query))

describe('the browse page in its address', () => {
  it('reads search, filters and page, Chinese included', () => {
    expect(read('q=%E5%AE%A2%E8%AF%89&category=客服&tag=售后&publisher=Acme%20伙伴&sort=rating&page=3')).toEqual({
      center: null, q: '客诉', category: '客服', tag: '售后', publisher: 'Acme 伙伴', sort: 'rating', page: 3,
    })
  })

  it('falls back to the defaults for missing or malformed values', () => {
    const plain = { center: null, q: '', category: null, tag: null, publisher: null, sort: 'popular', page: 1 }
    expect(read('')).toEqual(plain)
    expect(read('sort=cheapest').sort).toBe('popular')
    for (const page of ['0', '-2', '1.5', 'abc', '']) expect(read(`page=${page}`).page).toBe(1)
    expect(read('q=%20%20&category=').q).toBe('')
    expect(read('category=').category).toBeNull()
    expect(read('page=99999999').page).toBe(100_000)
  })

  it("cuts values at the API's limits instead of asking it for a 422", () => {
    expect(read(`q=${'词'.repeat(300)}`).q).toHaveLength(200)
    expect(read(`tag=${'x'.repeat(150)}`).tag).toHaveLength(100)
  })

  it('writes only what differs from the defaults and reads back the same state', () => {
    expect(writeListing({ center: null, q: '', category: null, tag: null, publisher: null, sort: 'popular', page: 1 }).toString()).toBe('')
    const state = { center: null, q: '客诉 管理', category: '客服', tag: null, publisher: null, sort: 'newest' as const, page: 2 }
    const written = writeListing(state)
    expect([...written.keys()]).toEqual(['q', 'category', 'sort', 'page'])
    expect(readListing(new URLSearchParams(written.toString()))).toEqual(state)
  })

  it('starts a new search or filter on page 1, and a page change keeps the filters', () => {
    const state = { center: null, q: '客诉', category: '客服', tag: null, publisher: null, sort: 'popular' as const, page: 4 }
    expect(changeListing(state, { tag: '售后' })).toEqual({ ...state, tag: '售后', page: 1 })
    expect(changeListing(state, { q: '工单' }).page).toBe(1)
    expect(changeListing(state, { sort: 'rating' })).toEqual({ ...state, sort: 'rating', page: 1 })
    expect(changeListing(state, { page: 2 })).toEqual({ ...state, page: 2 })
  })

  it('knows when a filter is set and where the last page is', () => {
    expect(isFiltered(read(''))).toBe(false)
    expect(isFiltered(read('page=2&sort=newest'))).toBe(false)
    expect(isFiltered(read('publisher=Acme'))).toBe(true)
    expect([lastPage(0, 12), lastPage(12, 12), lastPage(13, 12), lastPage(30, 12)]).toEqual([1, 1, 2, 3])
  })

  it('keeps a remote center in the address; another center keeps the search and drops its filters', () => {
    expect(read('center=3&q=客诉').center).toBe(3)
    for (const bad of ['0', '-1', '1.5', 'x', '', '99999999999']) expect(read(`center=${bad}`).center).toBeNull()
    const state = { ...read('q=客诉&category=客服&tag=售后&page=3'), center: 2 }
    expect(writeListing(state).toString()).toBe('center=2&q=%E5%AE%A2%E8%AF%89&category=%E5%AE%A2%E6%9C%8D&tag=%E5%94%AE%E5%90%8E&page=3')
    expect(changeCenter(state, null)).toEqual({ ...state, center: null, category: null, tag: null, page: 1 })
    expect(isFiltered(read('center=2'))).toBe(false)
  })
})

describe('screenshotUrl', () => {
  it('reads this server’s center directly and a remote one through this server', () => {
    expect(screenshotUrl(null, 'visitor_log', 0)).toBe('/api/v1/market/templates/visitor_log/screenshots/0')
    expect(screenshotUrl(3, 'visitor_log', 2)).toBe('/api/v1/admin/market/remotes/3/templates/visitor_log/screenshots/2')
  })
})
