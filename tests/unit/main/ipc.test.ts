/**
 * The IPC adapter: sender and sender-frame checks (our window's main frame at the renderer's
 * origin only), validation before the engine, engine replies passed through, events forwarded to
 * the window, and removal on dispose.
 */
import { describe, expect, it } from 'vitest'
import { IPC_EVENT_CHANNEL, IPC_REQUEST_CHANNEL, type Reply } from '../../../src/shared/contract'
import { setupIpc, type FrameLike, type IpcInvokeEventLike, type IpcMainLike, type WebContentsLike } from '../../../src/main/ipc'
import type { EngineClient } from '../../../src/host/engine-client'
import type { EngineEventListener } from '../../../src/host/engine-service'

const ORIGIN = 'app://brokerlab'
/** Stand-ins for Electron's WebFrameMain: our main frame, a subframe in it, a main frame elsewhere. */
const mainFrame: FrameLike = { parent: null, origin: ORIGIN }
const subframe: FrameLike = { parent: mainFrame, origin: ORIGIN }
const foreignFrame: FrameLike = { parent: null, origin: 'https://evil.example' }

function harness() {
  const handlers = new Map<string, (event: IpcInvokeEventLike, ...args: unknown[]) => unknown>()
  const ipcMain: IpcMainLike = { handle: (ch, fn) => void handlers.set(ch, fn), removeHandler: (ch) => void handlers.delete(ch) }
  const sent: unknown[][] = []
  const wc: WebContentsLike = { send: (...a) => void sent.push(a), isDestroyed: () => false }
  const calls: [string, unknown][] = []
  const listeners = new Set<EngineEventListener>()
  const engine: EngineClient = {
    handle: async (name, payload) => {
      calls.push([name, payload])
      return { ok: true, data: 'served' }
    },
    subscribe: (l) => {
      listeners.add(l)
      return () => listeners.delete(l)
    },
    close: async () => undefined
  }
  const dispose = setupIpc({ ipcMain, engine, getWebContents: () => wc, rendererOrigin: ORIGIN })
  const send = (event: IpcInvokeEventLike, ...args: unknown[]) => handlers.get(IPC_REQUEST_CHANNEL)!(event, ...args) as Promise<Reply<unknown>>
  const invoke = (sender: unknown, ...args: unknown[]) => send({ sender, senderFrame: mainFrame }, ...args)
  return { handlers, wc, sent, calls, listeners, dispose, invoke, send }
}

describe('setupIpc', () => {
  it('forwards a valid request from our window to the engine and returns its reply', async () => {
    const h = harness()
    expect(await h.invoke(h.wc, 'topic/describe', { topic: 'orders' })).toEqual({ ok: true, data: 'served' })
    expect(h.calls).toEqual([['topic/describe', { topic: 'orders' }]])
  })

  it('refuses other senders and invalid payloads without reaching the engine', async () => {
    const h = harness()
    expect(await h.invoke({}, 'topic/list', {})).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } })
    expect(await h.invoke(h.wc, 42, {})).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } })
    const bad = await h.invoke(h.wc, 'topic/create', { topic: '..', partitions: 1, replicationFactor: 1 })
    expect(bad).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } })
    expect(!bad.ok && bad.error.message).toMatch(/cannot be "\." or "\.\."/)
    expect(h.calls).toEqual([])
  })

  it('refuses a subframe, a foreign origin and a gone (null) frame of our window without reaching the engine', async () => {
    const h = harness()
    const cases: [FrameLike | null | undefined, RegExp][] = [
      [subframe, /subframe/],
      [foreignFrame, /origin https:\/\/evil\.example, not app:\/\/brokerlab/],
      [{ parent: null, origin: 'null' }, /origin null/],
      [null, /frame is gone/],
      [undefined, /frame is gone/]
    ]
    for (const [senderFrame, why] of cases) {
      const reply = await h.send({ sender: h.wc, senderFrame }, 'topic/list', {})
      expect(reply).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } })
      expect(!reply.ok && reply.error.message).toMatch(why)
    }
    expect(h.calls).toEqual([])
    expect(await h.send({ sender: h.wc, senderFrame: mainFrame }, 'topic/list', {})).toEqual({ ok: true, data: 'served' })
    expect(h.calls).toEqual([['topic/list', {}]])
  })

  it('pushes engine events to the window and stops after dispose', async () => {
    const h = harness()
    await Promise.resolve()
    for (const l of h.listeners) l({ event: 'import/progress', payload: { topic: 't', phase: 'importing', done: 1, total: 1 } })
    expect(h.sent).toEqual([[IPC_EVENT_CHANNEL, 'import/progress', { topic: 't', phase: 'importing', done: 1, total: 1 }]])
    h.dispose()
    expect(h.handlers.size).toBe(0)
    expect(h.listeners.size).toBe(0)
  })
})
