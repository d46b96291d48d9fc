/**
 * BrokerListeners on a real Cluster (3 brokers, file storage, no background replication): one
 * listener per running broker on 127.0.0.1, the per-broker handler factory, a port that is taken
 * (reported, the other brokers up), stopping and starting a broker closing and reopening its
 * listener, the listeners file written, updated and removed, its staleness rule, the base port rule
 * and the stand-in handler that closes connections until the protocol is served.
 */
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { Cluster } from '../../../../../src/broker/cluster/cluster'
import { basePortProblem, BrokerListeners, type BrokerListenersOptions } from '../../../../../src/broker/protocol/network/broker-listeners'
import { LISTENERS_FILE, readListenersFile, writeListenersFile } from '../../../../../src/broker/protocol/network/listeners-file'
import { protocolNotServedHandler } from '../../../../../src/broker/protocol/network/protocol-not-served'
import { sized, WireClient } from './wire-client'

const dirs: string[] = []
const clusters: Cluster[] = []
const listeners: BrokerListeners[] = []
const clients: WireClient[] = []
const blockers: net.Server[] = []

afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy()
  for (const l of listeners.splice(0)) await l.close()
  for (const c of clusters.splice(0)) await c.close()
  for (const b of blockers.splice(0)) await new Promise((r) => b.close(r))
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true })
})

function makeCluster(): Cluster {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'brokerlab-listeners-'))
  dirs.push(dir)
  const cluster = new Cluster({ dataDir: dir, brokers: 3, autoReplicate: false, storage: 'file', log: () => {} })
  clusters.push(cluster)
  return cluster
}

async function startListeners(cluster: Cluster, opts: Partial<BrokerListenersOptions> = {}): Promise<{ l: BrokerListeners; log: string[] }> {
  const log: string[] = []
  const l = await BrokerListeners.start(cluster, {
    basePort: 0,
    handlerFor: (id) => ({ handleFrame: (f) => Buffer.concat([Buffer.from(`broker-${id}:`), f]) }),
    log: (line) => log.push(line),
    ...opts
  })
  listeners.push(l)
  return { l, log }
}

async function connect(port: number): Promise<WireClient> {
  const c = await WireClient.connect(port)
  clients.push(c)
  return c
}

async function ask(port: number, text: string): Promise<string> {
  const c = await connect(port)
  c.write(sized(text))
  await c.answersAtLeast(1)
  return String(c.answers[0])
}

function listen(port: number): Promise<net.Server> {
  return new Promise((resolve, reject) => {
    const s = net.createServer()
    s.once('error', reject)
    s.listen({ host: '127.0.0.1', port, exclusive: true }, () => resolve(s))
  })
}

/** Three consecutive free ports P, P+1, P+2 with P+1 held by another server (a port in use). */
async function portsWithMiddleTaken(): Promise<{ base: number; blocker: net.Server }> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const first = await listen(0)
    const base = (first.address() as net.AddressInfo).port
    if (base + 2 > 65535) {
      await new Promise((r) => first.close(r))
      continue
    }
    const held: net.Server[] = [first]
    try {
      held.push(await listen(base + 1))
      held.push(await listen(base + 2))
    } catch {
      for (const s of held) await new Promise((r) => s.close(r))
      continue
    }
    await new Promise((r) => held[0].close(r))
    await new Promise((r) => held[2].close(r))
    blockers.push(held[1])
    return { base, blocker: held[1] }
  }
  throw new Error('no three consecutive free ports found')
}

describe('BrokerListeners', () => {
  it('starts one listener per running broker, each served by its own broker handler, and gives the bound addresses', async () => {
    const cluster = makeCluster()
    const { l } = await startListeners(cluster)
    const statuses = l.statuses()
    expect(statuses.map((s) => [s.brokerId, s.state, s.host])).toEqual([
      [1, 'listening', '127.0.0.1'],
      [2, 'listening', '127.0.0.1'],
      [3, 'listening', '127.0.0.1']
    ])
    expect(new Set(statuses.map((s) => s.port)).size).toBe(3)
    expect(l.bootstrapServers()).toBe(statuses.map((s) => `127.0.0.1:${s.port}`).join(','))
    expect([...l.addresses().entries()]).toEqual(statuses.map((s) => [s.brokerId, { host: '127.0.0.1', port: s.port }]))
    for (const s of statuses) expect(await ask(s.port, 'hello')).toBe(`broker-${s.brokerId}:hello`)
  })

  it('listens on base, base+1, base+2 and reports a port in use (which port, which broker, how to change it) while the other brokers listen', async () => {
    const { base } = await portsWithMiddleTaken()
    const cluster = makeCluster()
    const { l, log } = await startListeners(cluster, { basePort: base, portHint: 'start with --port BASE' })
    const [b1, b2, b3] = l.statuses()
    expect([b1.state, b1.port]).toEqual(['listening', base])
    expect([b3.state, b3.port]).toEqual(['listening', base + 2])
    expect(b2.state).toBe('down')
    expect(b2.port).toBe(base + 1)
    expect(b2.error).toBe(
      `Broker 2 cannot listen on 127.0.0.1:${base + 1}: the port is in use (EADDRINUSE). Its listener is down (the broker runs, but clients cannot reach it); the other brokers' listeners are not affected. To change the ports: start with --port BASE, or stop the program that uses port ${base + 1}.`
    )
    expect(log).toContain(b2.error)
    expect(l.bootstrapServers()).toBe(`127.0.0.1:${base},127.0.0.1:${base + 2}`)
    expect(await ask(base, 'x')).toBe('broker-1:x')
    expect(await ask(base + 2, 'y')).toBe('broker-3:y')
  })

  it('closes a stopped broker\'s listener and its connections, and opens it again when the broker starts', async () => {
    const cluster = makeCluster()
    const { l, log } = await startListeners(cluster)
    const port = l.statuses()[1].port
    const c = await connect(port)
    c.write(sized('before'))
    await c.answersAtLeast(1)
    cluster.stopBroker(2)
    await l.settled()
    await c.closedByServer()
    expect(l.statuses()[1]).toMatchObject({ brokerId: 2, state: 'stopped', port })
    expect(l.server(2)).toBeNull()
    await expect(WireClient.connect(port)).rejects.toThrow(/ECONNREFUSED/)
    expect(log.join('\n')).toContain(`Broker 2 stopped: its listener 127.0.0.1:${port} is closed, with its connections`)
    expect(await ask(l.statuses()[0].port, 'others')).toBe('broker-1:others')
    cluster.startBroker(2)
    await l.settled()
    expect(l.statuses()[1]).toMatchObject({ brokerId: 2, state: 'listening', port })
    expect(await ask(port, 'after')).toBe('broker-2:after')
  })

  it('retries a port that was in use when its broker is started again', async () => {
    const { base, blocker } = await portsWithMiddleTaken()
    const cluster = makeCluster()
    const { l } = await startListeners(cluster, { basePort: base })
    expect(l.statuses()[1].state).toBe('down')
    await new Promise((r) => blocker.close(r))
    blockers.splice(blockers.indexOf(blocker), 1)
    cluster.stopBroker(2)
    cluster.startBroker(2)
    await l.settled()
    expect(l.statuses()[1]).toMatchObject({ state: 'listening', port: base + 1, error: null })
    expect(await ask(base + 1, 'z')).toBe('broker-2:z')
  })

  it('does not open a listener for a broker that is stopped when the cluster opens', async () => {
    const cluster = makeCluster()
    cluster.stopBroker(3)
    const { l } = await startListeners(cluster)
    expect(l.statuses().map((s) => s.state)).toEqual(['listening', 'listening', 'stopped'])
    expect(l.server(3)).toBeNull()
  })

  it('refuses a base port whose last broker would be above 65535, naming the rule', async () => {
    const cluster = makeCluster()
    await expect(BrokerListeners.start(cluster, { basePort: 65534, handlerFor: protocolNotServedHandler })).rejects.toThrow(
      "Cannot start the brokers' listeners: the base port must be at most 65533 for 3 brokers (they listen on ports base to base+2, and 65535 is the highest port), got 65534"
    )
    expect(basePortProblem(65533, 3)).toBeNull()
    expect(basePortProblem(0, 9)).toBeNull()
    expect(basePortProblem(-1, 1)).toMatch(/from 0 to 65535/)
  })

  it('closes connections with a log line while the Kafka protocol is not served (the stand-in handler)', async () => {
    const cluster = makeCluster()
    const { l, log } = await startListeners(cluster, { handlerFor: () => protocolNotServedHandler() })
    const c = await connect(l.statuses()[0].port)
    c.write(sized('any request'))
    await c.closedByServer()
    expect(c.answers).toEqual([])
    expect(log.join('\n')).toContain('Kafka protocol not served yet')
  })
})

describe('listeners.json', () => {
  it('is written with the listeners, updated when a broker stops, and removed at close', async () => {
    const cluster = makeCluster()
    const file = path.join(cluster.dataDir, LISTENERS_FILE)
    const { l } = await startListeners(cluster, { dataDir: cluster.dataDir })
    const found = readListenersFile(cluster.dataDir)
    if (!found.ok) throw new Error(found.reason)
    expect(found.record.pid).toBe(process.pid)
    expect(found.record.bootstrapServers).toBe(l.bootstrapServers())
    expect(found.record.brokers.map((b) => [b.brokerId, b.state, b.port])).toEqual(l.statuses().map((s) => [s.brokerId, 'listening', s.port]))
    cluster.stopBroker(1)
    await l.settled()
    const after = readListenersFile(cluster.dataDir)
    if (!after.ok) throw new Error(after.reason)
    expect(after.record.brokers[0].state).toBe('stopped')
    expect(after.record.bootstrapServers).toBe(l.bootstrapServers())
    expect(after.record.bootstrapServers.split(',')).toHaveLength(2)
    await l.close()
    expect(fs.existsSync(file)).toBe(false)
    expect(fs.readdirSync(cluster.dataDir).filter((f) => f.startsWith(LISTENERS_FILE))).toEqual([])
  })

  it('is stale once the lock is not held by the process that recorded it', async () => {
    const cluster = makeCluster()
    const dir = cluster.dataDir
    writeListenersFile(dir, [{ brokerId: 1, host: '127.0.0.1', port: 9092, state: 'listening', error: null }])
    expect(readListenersFile(dir).ok).toBe(true)
    // A record left by another process (a crashed one) while this one holds the lock.
    const doc = JSON.parse(fs.readFileSync(path.join(dir, LISTENERS_FILE), 'utf8'))
    fs.writeFileSync(path.join(dir, LISTENERS_FILE), JSON.stringify({ ...doc, pid: process.pid + 100000 }))
    const other = readListenersFile(dir)
    expect(other).toEqual({ ok: false, reason: expect.stringContaining(`the lock is held by process ${process.pid}, not by process ${process.pid + 100000}`) })
    // The cluster closed (lock released), the file left behind as after a crash.
    writeListenersFile(dir, [{ brokerId: 1, host: '127.0.0.1', port: 9092, state: 'listening', error: null }])
    await cluster.close()
    const gone = readListenersFile(dir)
    expect(gone.ok).toBe(false)
    expect(gone.ok ? '' : gone.reason).toContain('.lock does not exist')
    fs.writeFileSync(path.join(dir, LISTENERS_FILE), '{"pid": 1, "brok')
    const torn = readListenersFile(dir)
    expect(torn.ok ? '' : torn.reason).toContain('is not a listeners record')
    fs.rmSync(path.join(dir, LISTENERS_FILE))
    const none = readListenersFile(dir)
    expect(none.ok ? '' : none.reason).toContain('no running cluster recorded its listeners there')
  })
})
