/** The page side of browser mode's token: taken from the URL, kept in sessionStorage, removed from the address bar. */
import { describe, expect, it } from 'vitest'
import { contractSocketUrl, takePageToken, TOKEN_STORAGE_KEY } from '../../../../src/renderer/src/api/page-token'

function fakes(kept: string | null = null) {
  const store = new Map<string, string>(kept === null ? [] : [[TOKEN_STORAGE_KEY, kept]])
  const replaced: string[] = []
  return {
    store,
    replaced,
    storage: { getItem: (k: string) => store.get(k) ?? null, setItem: (k: string, v: string) => void store.set(k, v) },
    history: { replaceState: (_d: unknown, _t: string, url?: string | URL | null) => void replaced.push(String(url)) }
  }
}

describe('takePageToken', () => {
  it('takes the token from the URL, keeps it, and removes only it from the address bar (keeping the hash route)', () => {
    const f = fakes()
    const token = takePageToken({ pathname: '/', search: '?token=abc_DEF-123', hash: '#/topic/flights' }, f.storage, f.history)
    expect(token).toBe('abc_DEF-123')
    expect(f.store.get(TOKEN_STORAGE_KEY)).toBe('abc_DEF-123')
    expect(f.replaced).toEqual(['/#/topic/flights'])
    const g = fakes()
    takePageToken({ pathname: '/', search: '?a=1&token=t&b=2', hash: '' }, g.storage, g.history)
    expect(g.replaced).toEqual(['/?a=1&b=2'])
  })

  it('uses the kept token when the URL has none (a reload), and lets a new URL token replace it', () => {
    const f = fakes('old-run')
    expect(takePageToken({ pathname: '/', search: '', hash: '#/cluster' }, f.storage, f.history)).toBe('old-run')
    expect(f.replaced).toEqual([])
    expect(takePageToken({ pathname: '/', search: '?token=new-run', hash: '' }, f.storage, f.history)).toBe('new-run')
    expect(f.store.get(TOKEN_STORAGE_KEY)).toBe('new-run')
  })

  it('returns null when the page was opened without a token and none is kept', () => {
    const f = fakes()
    expect(takePageToken({ pathname: '/', search: '?x=1', hash: '' }, f.storage, f.history)).toBeNull()
    expect(f.replaced).toEqual([])
  })
})

describe('contractSocketUrl', () => {
  it('connects to /ws on the page host with the token', () => {
    expect(contractSocketUrl('127.0.0.1:5173', 'abc_DEF-123')).toBe('ws://127.0.0.1:5173/ws?token=abc_DEF-123')
    expect(contractSocketUrl('127.0.0.1:5173', null)).toBe('ws://127.0.0.1:5173/ws')
  })
})
