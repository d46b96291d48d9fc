/**
 * SocketServer over real TCP on 127.0.0.1 (port 0): framing across arbitrary chunking, the size
 * rules (socket.request.max.bytes, negative sizes), a failing handler, ordering with a slow
 * handler (the channel is muted), backpressure against a client that never reads, max.connections,
 * connections.max.idle.ms with an injected clock and timer, and close().
 */
import net from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import type { FrameHandler } from '../../../../../src/broker/protocol/frame-handler'
import { SocketServer, type NetworkTimer, type SocketServerOptions } from '../../../../../src/broker/protocol/network/socket-server'
import { sized, WireClient } from './wire-client'

const servers: SocketServer[] = []
const clients: WireClient[] = []

afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy()
  await Promise.all(servers.splice(0).map((s) => s.close()))
})

/** Answers every frame with "echo:" + the frame. */
const echo: FrameHandler = { handleFrame: (f) => Buffer.concat([Buffer.from('echo:'), f]) }

async function listen(opts: Partial<SocketServerOptions> = {}): Promise<{ server: SocketServer; log: string[] }> {
  const log: string[] = []
  const server = new SocketServer({ brokerId: 1, host: '127.0.0.1', port: 0, handler: echo, log: (l) => log.push(l), ...opts })
  servers.push(server)
  await server.start()
  return { server, log }
}

async function connect(port: number): Promise<WireClient> {
  const c = await WireClient.connect(port)
  clients.push(c)
  return c
}

/** A timer whose ticks the test runs. */
function manualTimer(): NetworkTimer & { tick(): void } {
  const fns: (() => void)[] = []
  return {
    every: (_ms, fn) => {
      fns.push(fn)
      return () => fns.splice(fns.indexOf(fn), 1)
    },
    tick: () => fns.forEach((f) => f())
  }
}

describe('SocketServer framing', () => {
  it('reassembles frames written one byte at a time and answers each with its size prefix', async () => {
    const { server } = await listen()
    const c = await connect(server.port)
    const bytes = Buffer.concat([sized('first'), sized(''), sized(Buffer.alloc(300, 7))])
    for (const b of bytes) {
      c.write(Buffer.from([b]))
      await new Promise((r) => setImmediate(r)) // let each byte go out as its own segment
    }
    await c.answersAtLeast(3)
    expect(c.answers.map((a) => a.toString('latin1'))).toEqual(['echo:first', 'echo:', `echo:${Buffer.alloc(300, 7).toString('latin1')}`])
  })

  it('serves many frames arriving in one write, in order', async () => {
    const { server } = await listen()
    const c = await connect(server.port)
    c.write(Buffer.concat(Array.from({ length: 500 }, (_, i) => sized(`req-${i}`))))
    await c.answersAtLeast(500)
    expect(c.answers.map(String)).toEqual(Array.from({ length: 500 }, (_, i) => `echo:req-${i}`))
  })
})

describe('SocketServer size rules', () => {
  it('closes a connection whose frame is above socket.request.max.bytes, naming client, size and rule; others keep working', async () => {
    const { server, log } = await listen({ maxRequestBytes: 1000 })
    const good = await connect(server.port)
    const bad = await connect(server.port)
    const badPort = bad.socket.localPort
    const header = Buffer.alloc(4)
    header.writeInt32BE(200_000_000, 0)
    bad.write(Buffer.concat([header, Buffer.alloc(500)]))
    await bad.closedByServer()
    expect(log.join('\n')).toContain(`from 127.0.0.1:${badPort}`)
    expect(log.join('\n')).toContain('Invalid receive (size = 200000000 larger than socket.request.max.bytes = 1000)')
    good.write(sized('still here'))
    await good.answersAtLeast(1)
    expect(String(good.answers[0])).toBe('echo:still here')
  })

  it('refuses a frame above the limit from its 4 size bytes, before any of its body arrives', async () => {
    const { server, log } = await listen({ maxRequestBytes: 1000 })
    const bad = await connect(server.port)
    bad.write(Buffer.from([0x00, 0x00, 0x03, 0xe9])) // 1001, no body at all
    await bad.closedByServer()
    expect(log.join('\n')).toContain('size = 1001 larger than socket.request.max.bytes = 1000')
  })

  it('closes a connection whose frame size is negative; others keep working', async () => {
    const { server, log } = await listen()
    const good = await connect(server.port)
    const bad = await connect(server.port)
    bad.write(Buffer.from([0xff, 0xff, 0xff, 0xfe, 1, 2, 3]))
    await bad.closedByServer()
    expect(log.join('\n')).toMatch(/Invalid receive \(size = -2 is negative/)
    good.write(sized('ok'))
    await good.answersAtLeast(1)
    expect(String(good.answers[0])).toBe('echo:ok')
  })

  it('says when a client speaks HTTP to the Kafka port', async () => {
    const { server, log } = await listen()
    const bad = await connect(server.port)
    bad.write(Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n'))
    await bad.closedByServer()
    expect(log.join('\n')).toContain('it looks like an HTTP request')
  })
})

describe('SocketServer handler failures', () => {
  it('closes only the connection whose request the handler threw or rejected on', async () => {
    const handler: FrameHandler = {
      handleFrame: (f) => {
        if (String(f) === 'throw') throw new Error('malformed request header')
        if (String(f) === 'reject') return Promise.reject(new Error('unknown api key 999'))
        return Promise.resolve(Buffer.concat([Buffer.from('ok:'), f]))
      }
    }
    const { server, log } = await listen({ handler })
    const good = await connect(server.port)
    const thrower = await connect(server.port)
    const rejecter = await connect(server.port)
    thrower.write(Buffer.concat([sized('throw'), sized('never served')]))
    rejecter.write(sized('reject'))
    await thrower.closedByServer()
    await rejecter.closedByServer()
    expect(thrower.answers).toEqual([])
    expect(log.join('\n')).toContain('the request could not be handled: malformed request header')
    expect(log.join('\n')).toContain('the request could not be handled: unknown api key 999')
    good.write(sized('a'))
    await good.answersAtLeast(1)
    expect(String(good.answers[0])).toBe('ok:a')
    expect(server.connections()).toHaveLength(1)
  })

  it('tells the handler when a connection closed', async () => {
    const closed: string[] = []
    const { server } = await listen({ handler: { ...echo, connectionClosed: (ctx) => closed.push(ctx.connectionId) } })
    const c = await connect(server.port)
    c.write(sized('x'))
    await c.answersAtLeast(1)
    const id = server.connections()[0].connectionId
    c.destroy()
    await new Promise<void>((res) => {
      const check = (): void => (closed.length ? res() : void setImmediate(check))
      check()
    })
    expect(closed).toEqual([id])
    expect(id).toBe(`${server.port}-1`)
  })
})

describe('SocketServer ordering', () => {
  it('hands a connection one request at a time and answers in order, even when a later one would be faster', async () => {
    const pending: { frame: string; resolve: (b: Buffer) => void }[] = []
    let inFlight = 0
    let maxInFlight = 0
    const handler: FrameHandler = {
      handleFrame: (f) =>
        new Promise<Buffer>((resolve) => {
          inFlight++
          maxInFlight = Math.max(maxInFlight, inFlight)
          pending.push({
            frame: String(f),
            resolve: (b) => {
              inFlight--
              resolve(b)
            }
          })
        })
    }
    const { server } = await listen({ handler })
    const c = await connect(server.port)
    const waitPending = (n: number): Promise<void> =>
      new Promise((res) => {
        const check = (): void => (pending.length >= n ? res() : void setImmediate(check))
        check()
      })
    c.write(sized('slow'))
    await waitPending(1)
    c.write(sized('fast-1')) // arrive while 'slow' is in flight
    c.write(sized('fast-2'))
    // Give the server many turns of the loop: nothing else may be dispatched while 'slow' is in flight.
    for (let i = 0; i < 50; i++) await new Promise((r) => setImmediate(r))
    expect(pending.map((p) => p.frame)).toEqual(['slow'])
    pending[0].resolve(Buffer.from('answer-slow'))
    await waitPending(2)
    pending[1].resolve(Buffer.from('answer-fast-1'))
    await waitPending(3)
    pending[2].resolve(Buffer.from('answer-fast-2'))
    await c.answersAtLeast(3)
    expect(c.answers.map(String)).toEqual(['answer-slow', 'answer-fast-1', 'answer-fast-2'])
    expect(maxInFlight).toBe(1)
  })

  it('reads no further requests while one is in flight, so a client cannot make the broker buffer them', async () => {
    let release: (b: Buffer) => void = () => {}
    const handler: FrameHandler = { handleFrame: (f) => (String(f) === 'hold' ? new Promise<Buffer>((r) => (release = r)) : Buffer.from('ok')) }
    const { server } = await listen({ handler })
    const c = await connect(server.port)
    c.write(sized('hold'))
    await new Promise<void>((res) => {
      const check = (): void => (server.connections()[0]?.inFlight ? res() : void setImmediate(check))
      check()
    })
    const frames = 128
    const body = Buffer.alloc(64 * 1024, 2) // 8 MiB of further requests
    for (let i = 0; i < frames; i++) c.write(sized(body))
    // Give the server many turns: whatever it read from the socket would show in its buffer.
    for (let i = 0; i < 200; i++) await new Promise((r) => setImmediate(r))
    server.sampleBuffers()
    expect(server.connections()[0].bufferedReadBytes).toBeLessThan(1024 * 1024)
    expect(server.peakBufferedBytes).toBeLessThan(1024 * 1024)
    release(Buffer.from('released'))
    await c.answersAtLeast(frames + 1)
    expect(String(c.answers[0])).toBe('released')
  })

  it('writes nothing for a request answered with null (acks=0) and goes on with the next', async () => {
    const { server } = await listen({ handler: { handleFrame: (f) => (String(f) === 'acks0' ? null : f) } })
    const c = await connect(server.port)
    c.write(Buffer.concat([sized('acks0'), sized('next')]))
    await c.answersAtLeast(1)
    expect(c.answers.map(String)).toEqual(['next'])
  })
})

describe('SocketServer backpressure', () => {
  it('stops reading from a client that never reads once its unsent answers pass the bound, and resumes when it reads', async () => {
    const answer = Buffer.alloc(64 * 1024, 1)
    const maxBufferedBytes = 256 * 1024
    const { server } = await listen({ handler: { handleFrame: () => answer }, maxBufferedBytes })
    const c = await connect(server.port)
    c.socket.pause() // never reads
    const requests = 500 // 500 x 64 KiB = 32 MiB of answers if nothing held them back
    c.write(Buffer.concat(Array.from({ length: requests }, (_, i) => sized(`r${i}`))))
    // Wait until the server is blocked on this client: answers pile up past the bound.
    await new Promise<void>((res, rej) => {
      const deadline = setTimeout(() => rej(new Error('the server never blocked')), 10_000)
      const check = (): void => {
        const s = server.connections()[0]
        if (s && s.bufferedWriteBytes > maxBufferedBytes && !s.inFlight) {
          clearTimeout(deadline)
          res()
        } else setTimeout(check, 5)
      }
      check()
    })
    for (let i = 0; i < 50; i++) await new Promise((r) => setImmediate(r))
    const s = server.connections()[0]
    expect(s.requests).toBeLessThan(requests)
    // At most the bound plus one answer (with its prefix) and one chunk of requests is held here.
    expect(server.peakBufferedBytes).toBeLessThanOrEqual(maxBufferedBytes + answer.length + 4 + 64 * 1024)
    c.socket.resume()
    await c.answersAtLeast(requests)
    expect(c.answers).toHaveLength(requests)
  })
})

describe('SocketServer connection bounds', () => {
  it('refuses connections beyond max.connections at accept, with a log line, and accepts again once one closes', async () => {
    const { server, log } = await listen({ maxConnections: 2 })
    const a = await connect(server.port)
    const b = await connect(server.port)
    a.write(sized('a'))
    b.write(sized('b'))
    await a.answersAtLeast(1)
    await b.answersAtLeast(1)
    const third = await connect(server.port)
    await third.closedByServer()
    expect(server.refusedConnections).toBe(1)
    expect(log.join('\n')).toContain('refusing connection from 127.0.0.1:')
    expect(log.join('\n')).toContain('the most max.connections (2) allows')
    a.destroy()
    await new Promise<void>((res) => {
      const check = (): void => (server.connections().length === 1 ? res() : void setImmediate(check))
      check()
    })
    const fourth = await connect(server.port)
    fourth.write(sized('d'))
    await fourth.answersAtLeast(1)
    expect(String(fourth.answers[0])).toBe('echo:d')
  })

  it('closes connections idle for connections.max.idle.ms (injected clock and timer), not busy or recent ones', async () => {
    let now = 1_000_000
    const timer = manualTimer()
    let release: (b: Buffer) => void = () => {}
    const handler: FrameHandler = {
      handleFrame: (f) => (String(f) === 'hold' ? new Promise<Buffer>((r) => (release = r)) : f)
    }
    const { server, log } = await listen({ handler, clock: () => now, timer, connectionsMaxIdleMs: 600000 })
    const idle = await connect(server.port)
    const busy = await connect(server.port)
    idle.write(sized('x'))
    await idle.answersAtLeast(1)
    busy.write(sized('hold'))
    await new Promise<void>((res) => {
      const check = (): void => (server.connections().some((s) => s.inFlight) ? res() : void setImmediate(check))
      check()
    })
    now += 599_999
    timer.tick()
    expect(server.connections()).toHaveLength(2)
    now += 1
    timer.tick()
    await idle.closedByServer()
    expect(log.join('\n')).toContain('idle for 600000 ms, at least connections.max.idle.ms = 600000')
    expect(busy.closed).toBe(false)
    release(Buffer.from('done'))
    await busy.answersAtLeast(1)
    expect(String(busy.answers[0])).toBe('done')
  })
})

describe('SocketServer close', () => {
  it('stops accepting, closes every connection and releases the port', async () => {
    const { server } = await listen()
    const port = server.port
    const a = await connect(port)
    const b = await connect(port)
    await server.close()
    await a.closedByServer()
    await b.closedByServer()
    await expect(WireClient.connect(port)).rejects.toThrow(/ECONNREFUSED/)
    const again = net.createServer()
    await new Promise<void>((res, rej) => {
      again.once('error', rej)
      again.listen({ host: '127.0.0.1', port }, () => res())
    })
    await new Promise((r) => again.close(r))
  })

  it('reports a port in use with the address and EADDRINUSE', async () => {
    const { server } = await listen()
    const second = new SocketServer({ brokerId: 2, host: '127.0.0.1', port: server.port, handler: echo, log: () => undefined })
    await expect(second.start()).rejects.toMatchObject({ code: 'EADDRINUSE', message: `cannot listen on 127.0.0.1:${server.port}: the port is in use (EADDRINUSE)` })
    await second.close()
  })
})
