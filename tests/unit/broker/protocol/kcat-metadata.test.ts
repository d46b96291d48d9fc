/**
 * A real client against the dispatcher: `kcat -L` (librdkafka) through a test-only TCP server
 * (127.0.0.1, a port picked by the OS, Kafka's 4-byte size framing) that hands each frame to
 * KafkaApis with ApiVersions and Metadata over a stand-in facade. Skipped, saying why, when kcat
 * is not installed. Bounded in time; the server and kcat are stopped at the end.
 */
import { execFile, spawnSync } from 'node:child_process'
import { EventEmitter, once } from 'node:events'
import net from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApiHandlers } from '../../../../src/broker/protocol/apis'
import { KafkaApis } from '../../../../src/broker/protocol/kafka-apis'
import { StandInBrokerFacade } from './stand-in-broker-facade'

const kcat = spawnSync('sh', ['-c', 'command -v kcat'], { encoding: 'utf8' }).stdout.trim()
if (!kcat) console.warn('kcat-metadata: skipped, kcat is not installed')

describe.skipIf(!kcat)('kcat against KafkaApis', () => {
  let server: net.Server
  let port = 0
  let apis: KafkaApis
  const sockets = new Set<net.Socket>()
  const closes = new EventEmitter()
  const seen: { clientId: string | null; softwareName: string | null; softwareVersion: string | null }[] = []

  beforeAll(async () => {
    server = net.createServer((sock) => {
      sockets.add(sock)
      let buf = Buffer.alloc(0)
      let chain = Promise.resolve()
      const ctx = { brokerId: 1, connectionId: `${port}-${sockets.size}`, clientAddress: `${sock.remoteAddress}:${sock.remotePort}`, listenerPort: port }
      sock.on('data', (d) => {
        buf = Buffer.concat([buf, d])
        while (buf.length >= 4 && buf.length >= 4 + buf.readInt32BE(0)) {
          const frame = buf.subarray(4, 4 + buf.readInt32BE(0))
          buf = buf.subarray(4 + frame.length)
          chain = chain.then(async () => {
            try {
              const res = await apis.handleFrame(frame, ctx)
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
        seen.push(...apis.connectedClients().filter((c) => c.connectionId === ctx.connectionId))
        apis.connectionClosed(ctx)
        closes.emit('closed')
      })
      sock.on('error', () => {})
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    port = (server.address() as net.AddressInfo).port
    const facade = new StandInBrokerFacade(1, [{ nodeId: 1, host: '127.0.0.1', port, rack: null }], [
      {
        name: 'orders',
        partitions: [0, 1, 2].map((i) => ({ partitionIndex: i, leaderId: 1, leaderEpoch: 0, replicaNodes: [1], isrNodes: [1], offlineReplicas: [] }))
      }
    ])
    apis = new KafkaApis({ handlers: createApiHandlers(facade) })
  })

  afterAll(async () => {
    for (const s of sockets) s.destroy()
    await new Promise<void>((resolve) => server.close(() => resolve()))
  })

  it('lists the broker and the topic with its partitions (kcat -L)', async () => {
    const out = await new Promise<{ stdout: string; stderr: string }>((resolve, reject) => {
      execFile(kcat, ['-b', `127.0.0.1:${port}`, '-L', '-m', '10', '-X', 'client.id=kcat-test'], { timeout: 20_000 }, (err, stdout, stderr) =>
        err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve({ stdout, stderr })
      )
    })
    expect(out.stdout).toContain(`broker 1 at 127.0.0.1:${port}`)
    expect(out.stdout).toMatch(/topic "orders" with 3 partitions/)
    expect(out.stdout).toMatch(/partition 2, leader 1, replicas: 1, isrs: 1/)
    // librdkafka sends ApiVersions v3 with its software name and version (KIP-511)
    while (sockets.size > 0) await once(closes, 'closed')
    expect(seen.some((c) => c.clientId === 'kcat-test' && c.softwareName === 'librdkafka' && /^v?\d+\.\d+/.test(c.softwareVersion ?? ''))).toBe(true)
  })
})
