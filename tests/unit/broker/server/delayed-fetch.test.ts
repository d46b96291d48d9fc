/**
 * DelayedFetchPurgatory (Kafka's DelayedFetch) on a manual timer: answered at once when satisfied,
 * complete or not waiting; otherwise tried again at each wake until min bytes, answered with a last
 * read at the timeout; every watch cancelled and the timer cleared when it settles; clear() answers
 * the waiting ones; a read that throws rejects.
 */
import { describe, expect, it } from 'vitest'
import { DelayedFetchPurgatory, type FetchTimer } from '../../../../src/broker/server/delayed-fetch'

class ManualTimer implements FetchTimer {
  private next = 1
  readonly due = new Map<number, () => void>()
  set(fn: () => void): unknown {
    const id = this.next++
    this.due.set(id, fn)
    return id
  }
  clear(h: unknown): void {
    this.due.delete(h as number)
  }
  fire(): void {
    const all = [...this.due.values()]
    this.due.clear()
    for (const f of all) f()
  }
}

const tick = () => new Promise((r) => setImmediate(r))

/** A fake partition: `bytes` available, watches counted, `grow` adds bytes and wakes the watchers. */
function source() {
  const s = {
    bytes: 0,
    reads: 0,
    watchers: new Set<() => void>(),
    grow(n: number) {
      s.bytes += n
      for (const w of [...s.watchers]) w()
    }
  }
  return s
}

function op(s: ReturnType<typeof source>, minBytes: number, maxWaitMs: number, complete = false) {
  return {
    minBytes,
    maxWaitMs,
    read: () => {
      s.reads++
      return { result: s.bytes, bytes: s.bytes, complete }
    },
    watch: (wake: () => void) => {
      s.watchers.add(wake)
      return () => void s.watchers.delete(wake)
    }
  }
}

describe('DelayedFetchPurgatory', () => {
  it('answers at once when min bytes are there, when complete, or when it must not wait', async () => {
    const timer = new ManualTimer()
    const p = new DelayedFetchPurgatory(timer)
    const s = source()
    s.bytes = 10
    expect(await p.fetch(op(s, 5, 500))).toBe(10)
    s.bytes = 0
    expect(await p.fetch(op(s, 5, 500, true))).toBe(0)
    expect(await p.fetch(op(s, 5, 0))).toBe(0)
    expect(timer.due.size).toBe(0)
    expect(s.watchers.size).toBe(0)
  })

  it('waits until the wakes bring min bytes, then cancels its watches and its timer', async () => {
    const timer = new ManualTimer()
    const p = new DelayedFetchPurgatory(timer)
    const s = source()
    let got: number | null = null
    const pending = p.fetch(op(s, 8, 500)).then((r) => (got = r))
    expect(p.size).toBe(1)
    s.grow(4)
    await tick()
    expect(got).toBeNull()
    expect(s.watchers.size).toBe(1)
    s.grow(4)
    await pending
    expect(got).toBe(8)
    expect(s.watchers.size).toBe(0)
    expect(timer.due.size).toBe(0)
    expect(p.size).toBe(0)
  })

  it('answers with a last read at the timeout, and clear() answers the waiting ones', async () => {
    const timer = new ManualTimer()
    const p = new DelayedFetchPurgatory(timer)
    const s = source()
    const a = p.fetch(op(s, 8, 500))
    s.bytes = 3 // arrived without a wake
    timer.fire()
    expect(await a).toBe(3)
    const b = p.fetch(op(s, 8, 500))
    p.clear()
    expect(await b).toBe(3)
    expect(s.watchers.size).toBe(0)
    expect(timer.due.size).toBe(0)
  })

  it('rejects when a read throws, and settles once even when woken again', async () => {
    const timer = new ManualTimer()
    const p = new DelayedFetchPurgatory(timer)
    const s = source()
    const o = op(s, 8, 500)
    let fail = false
    const read = o.read
    o.read = () => {
      if (fail) throw new Error('log closed')
      return read()
    }
    const pending = p.fetch(o)
    fail = true
    s.grow(1)
    await expect(pending).rejects.toThrow('log closed')
    timer.fire()
    expect(s.watchers.size).toBe(0)
    expect(p.size).toBe(0)
  })
})
