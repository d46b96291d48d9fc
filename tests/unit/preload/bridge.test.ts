/**
 * The preload bridge: exactly BrokerlabApi (request, on), requests over invoke on the request
 * channel, events filtered by name, unsubscribe, and no Electron event object leaking to listeners.
 */
import { describe, expect, it } from 'vitest'
import { IPC_EVENT_CHANNEL, IPC_REQUEST_CHANNEL } from '../../../src/shared/contract'
import { createBridge, type IpcRendererLike } from '../../../src/preload/bridge'

function fakeIpc() {
  const invoked: unknown[][] = []
  const listeners = new Map<string, Set<(event: unknown, ...args: unknown[]) => void>>()
  const ipc: IpcRendererLike = {
    invoke: async (...args) => {
      invoked.push(args)
      return { ok: true, data: [] }
    },
    on: (ch, l) => listeners.set(ch, (listeners.get(ch) ?? new Set()).add(l)),
    removeListener: (ch, l) => listeners.get(ch)?.delete(l)
  }
  const emit = (...args: unknown[]) => {
    for (const l of listeners.get(IPC_EVENT_CHANNEL) ?? []) l({ sender: 'electron-internal' }, ...args)
  }
  return { ipc, invoked, listeners, emit }
}

describe('createBridge', () => {
  it('exposes only request and on', () => {
    expect(Object.keys(createBridge(fakeIpc().ipc)).sort()).toEqual(['on', 'request'])
  })

  it('sends requests as invoke(IPC_REQUEST_CHANNEL, name, payload) and returns the reply', async () => {
    const f = fakeIpc()
    const reply = await createBridge(f.ipc).request('topic/list', {})
    expect(f.invoked).toEqual([[IPC_REQUEST_CHANNEL, 'topic/list', {}]])
    expect(reply).toEqual({ ok: true, data: [] })
  })

  it('delivers only the subscribed event, payload only, until unsubscribed', () => {
    const f = fakeIpc()
    const bridge = createBridge(f.ipc)
    const got: unknown[][] = []
    const off = bridge.on('import/progress', (...args: unknown[]) => got.push(args))
    f.emit('snapshot', { takenAt: 1 })
    f.emit('import/progress', { topic: 't', done: 1, total: 2 })
    off()
    f.emit('import/progress', { topic: 't', done: 2, total: 2 })
    expect(got).toEqual([[{ topic: 't', done: 1, total: 2 }]])
    expect(f.listeners.get(IPC_EVENT_CHANNEL)?.size).toBe(0)
  })

  it('refuses to subscribe to event names outside the contract', () => {
    const bridge = createBridge(fakeIpc().ipc)
    expect(() => bridge.on('secret' as never, () => undefined)).toThrow(/Unknown event "secret"/)
  })
})
