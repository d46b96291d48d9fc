/**
 * The faults where the wire protocol meets them: a killed broker's listener closes with its
 * connections (as the process dying would) and opens again when it starts; a slowed broker answers
 * each request its delay late (slowFrameHandler, on an injected timer: no wall-clock wait).
 */
import net from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { slowFrameHandler } from '../../../../src/broker/faults/slow-frame-handler'
import type { FrameHandler, RequestContext } from '../../../../src/broker/protocol/frame-handler'
import { startWireCluster, type WireCluster } from '../../../clients/wire-cluster'

let wire: WireCluster | null = null
afterEach(async () => {
  await wire?.close()
  wire = null
})

const ctx: RequestContext = { brokerId: 2, connectionId: 'c-1', clientAddress: '127.0.0.1:1', listenerPort: 1 }

describe('faults on the wire', () => {
  it("closes a killed broker's listener and its connections, and opens it again when the broker starts", { timeout: 30_000 }, async () => {
    wire = await startWireCluster({ brokers: 3 })
    const before = wire.listeners.statuses().find((s) => s.brokerId === 2)!
    expect(before.state).toBe('listening')
    const socket = net.connect(before.port, '127.0.0.1')
    await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject))
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()))
    socket.on('error', () => undefined)
    wire.cluster.killBroker(2)
    await wire.listeners.settled()
    await closed
    expect(wire.listeners.statuses().find((s) => s.brokerId === 2)!.state).toBe('stopped')
    wire.cluster.startBroker(2)
    await wire.listeners.settled()
    expect(wire.listeners.statuses().find((s) => s.brokerId === 2)!.state).toBe('listening')
  })

  it('answers a slowed broker\'s request only when its delay has passed, and at once when it is not slowed', async () => {
    const calls: Buffer[] = []
    const inner: FrameHandler = { handleFrame: (frame) => (calls.push(frame), Buffer.from('answer')) }
    let delay = 250
    const timers: { fn: () => void; ms: number }[] = []
    const h = slowFrameHandler(inner, () => delay, (fn, ms) => void timers.push({ fn, ms }))
    const answer = Promise.resolve(h.handleFrame(Buffer.from('req-1'), ctx))
    await new Promise((r) => setImmediate(r))
    expect(calls).toEqual([])
    expect(timers.map((t) => t.ms)).toEqual([250])
    timers[0].fn()
    expect((await answer)?.toString()).toBe('answer')
    expect(calls.map(String)).toEqual(['req-1'])
    delay = 0
    expect(h.handleFrame(Buffer.from('req-2'), ctx)?.toString()).toBe('answer')
    expect(timers).toHaveLength(1)
  })
})
