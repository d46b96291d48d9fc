/**
 * A test-only TCP server for real clients against a FrameHandler: 127.0.0.1 on a port the OS
 * picks, Kafka's 4-byte size framing, one frame at a time per connection, in order; a handler that
 * throws closes that connection. Records the connected clients a connection had when it closed.
 * Not the broker's listener (that lives in src/broker/protocol/network/).
 */
import { EventEmitter, once } from 'node:events'
import net from 'node:net'
import type { ConnectedClient } from '../../../../src/broker/protocol/connected-clients'
import type { KafkaApis } from '../../../../src/broker/protocol/kafka-apis'

/** A running test server. */
export interface TestFrameServer {
  port: number
  /** Client records of connections that have closed. */
  seen: ConnectedClient[]
  /** Resolves once every open connection has closed. */
  drained(): Promise<void>
  close(): Promise<void>
}

/** Starts a server handing frames to the KafkaApis `apis()` returns (read on each connection). */
export async function startTestFrameServer(apis: () => KafkaApis): Promise<TestFrameServer> {
  const sockets = new Set<net.Socket>()
  const closes = new EventEmitter()
  const seen: ConnectedClient[] = []
  let n = 0
  let port = 0
  const server = net.createServer((sock) => {
    sockets.add(sock)
    const k = apis()
    const ctx = { brokerId: 1, connectionId: `${port}-${++n}`, clientAddress: `${sock.remoteAddress}:${sock.remotePort}`, listenerPort: port }
    let buf = Buffer.alloc(0)
    let chain = Promise.resolve()
    sock.on('data', (d) => {
      buf = Buffer.concat([buf, d])
      while (buf.length >= 4 && buf.length >= 4 + buf.readInt32BE(0)) {
        const frame = buf.subarray(4, 4 + buf.readInt32BE(0))
        buf = buf.subarray(4 + frame.length)
        chain = chain.then(async () => {
          try {
            const res = await k.handleFrame(frame, ctx)
            if (res) {
              const size = Buffer.alloc(4)
              size.writeInt32BE(res.length)
              sock.write(Buffer.concat([size, res]))
            }
          } catch {
            sock.destroy()
          }
        })
      }
    })
    sock.on('close', () => {
      sockets.delete(sock)
      seen.push(...k.connectedClients().filter((c) => c.connectionId === ctx.connectionId))
      k.connectionClosed(ctx)
      closes.emit('closed')
    })
    sock.on('error', () => {})
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  port = (server.address() as net.AddressInfo).port
  return {
    port,
    seen,
    async drained() {
      while (sockets.size > 0) await once(closes, 'closed')
    },
    async close() {
      for (const s of sockets) s.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    }
  }
}
