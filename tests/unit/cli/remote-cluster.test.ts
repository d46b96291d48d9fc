/**
 * The CLI against a running cluster over the Kafka wire protocol: a HeadlessCluster (as `brokerlab
 * start` runs it) with listeners on free ports of 127.0.0.1 in this process, and CLI commands run
 * in-process through runCli, with `--bootstrap-server` and with only `--data-dir` of the running
 * cluster (its listeners.json). Topic create over the wire is visible in the engine, produce then
 * consume round-trips keys, values and headers, groups describe shows a committed offset, an unknown
 * topic is UNKNOWN_TOPIC_OR_PARTITION, a refused or silent address gives a clear error within the bound.
 */
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { HeadlessCluster } from '../../../src/host/headless-cluster'
import { LocalEngine } from '../../../src/host/local-engine'
import { runBrokerlabInProcess } from './run-cli'

let dir: string
let dataDir: string
let cluster: HeadlessCluster
let bootstrap: string

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'brokerlab-cli-remote-'))
  dataDir = path.join(dir, 'data')
  cluster = HeadlessCluster.open({ dataDir, brokers: 3, log: () => {} })
  await cluster.startListeners({ host: '127.0.0.1', basePort: 0 }, () => {})
  bootstrap = cluster.bootstrapServers()
}, 60_000)

afterAll(async () => {
  await cluster?.close()
  fs.rmSync(dir, { recursive: true, force: true })
})

/** Runs the CLI in-process; returns exit code and output. */
async function cli(args: string[], env: Record<string, string> = {}): Promise<{ code: number; out: string; err: string }> {
  const r = await runBrokerlabInProcess(args, env)
  return { code: r.status, out: r.stdout, err: r.stderr }
}

describe('the CLI against a running cluster', { timeout: 60_000 }, () => {
  it('creates a topic over --bootstrap-server that the running engine then holds', async () => {
    const r = await cli(['topic', 'create', 'wire-made', '--partitions', '3', '--replication-factor', '2', '--config', 'retention.ms=3600000', '--bootstrap-server', bootstrap])
    expect(r.err).toBe('')
    expect(r.code).toBe(0)
    expect(r.out).toBe('Created topic wire-made.\n')
    const d = await cli(['topic', 'describe', 'wire-made', '--json', '--bootstrap-server', bootstrap])
    expect(d.code).toBe(0)
    const detail = JSON.parse(d.out)
    expect(detail.partitions).toBe(3)
    expect(detail.replicationFactor).toBe(2)
    expect(detail.configs['retention.ms']).toBe('3600000')
    // The listing over the wire names it, as the in-process listing would.
    const list = await cli(['topic', 'list', '--bootstrap-server', bootstrap])
    expect(list.out).toMatch(/^wire-made\s+3\s+2\s+0\s+/m)
  })

  it('produces keyed records with headers and consumes them back, with only --data-dir of the running cluster', async () => {
    expect((await cli(['topic', 'create', 'round-trip', '--partitions', '4', '--data-dir', dataDir])).code).toBe(0)
    const p = await cli(['produce', '--topic', 'round-trip', '--key', 'k-{{i}}', '--value', 'v-{{i}}', '--header', 'h=x{{i}}', '--count', '20', '--json', '--data-dir', dataDir])
    expect(p.err).toBe('')
    expect(p.code).toBe(0)
    const res = JSON.parse(p.out)
    expect(res.written).toBe(20)
    // Every key landed where murmur2 says, with the reason the in-process path gives.
    for (const a of res.acks) expect(a.reason.kind).toBe('key')
    const one = await cli(['produce', '--topic', 'round-trip', '--key', 'solo', '--value', 'solo-value', '--data-dir', dataDir])
    expect(one.out).toMatch(/^Produced to round-trip partition \d at offset \d+ \(murmur2\(key\) = -?\d+, toPositive = \d+, % 4 = \d\)\n$/)
    const c = await cli(['consume', '--topic', 'round-trip', '--from-beginning', '--json', '--data-dir', dataDir])
    expect(c.code).toBe(0)
    const lines = c.out.trim().split('\n').map((l) => JSON.parse(l))
    expect(lines).toHaveLength(21)
    const byKey = new Map(lines.map((l) => [l.key, l]))
    for (let i = 0; i < 20; i++) {
      const l = byKey.get(`k-${i}`)
      expect(l.value).toBe(`v-${i}`)
      expect(l.headers).toEqual([{ key: 'h', value: `x${i}`, valueEncoding: 'utf8' }])
    }
    expect(byKey.get('solo').value).toBe('solo-value')
    expect(c.err).toBe('Consumed 21 records.\n')
  })

  it('consumes as a group over the wire, commits, and groups --describe shows the committed offset', async () => {
    expect((await cli(['topic', 'create', 'grouped', '--bootstrap-server', bootstrap])).code).toBe(0)
    expect((await cli(['produce', '--topic', 'grouped', '--value', 'r{{i}}', '--count', '5', '--bootstrap-server', bootstrap])).code).toBe(0)
    const c = await cli(['consume', '--topic', 'grouped', '--group', 'g1', '--from-beginning', '--max', '3', '--bootstrap-server', bootstrap])
    expect(c.code).toBe(0)
    expect(c.out).toBe('r0\nr1\nr2\n')
    expect(c.err).toBe('Consumed 3 records as group g1; committed. Lag now 2.\n')
    const g = await cli(['groups', '--describe', '--group', 'g1', '--json', '--bootstrap-server', bootstrap])
    expect(g.code).toBe(0)
    const view = JSON.parse(g.out)
    expect(view.rows).toEqual([{ topic: 'grouped', partition: 0, currentOffset: 3, logEndOffset: 5, lag: 2 }])
    const list = await cli(['groups', '--list', '--data-dir', dataDir])
    expect(list.out.split('\n')).toContain('g1')
    // The coordinator's view over DescribeGroups: the group holds offsets only, no members.
    const state = await cli(['groups', '--describe', '--state', '--group', 'g1', '--bootstrap-server', bootstrap])
    expect(state.code).toBe(0)
    expect(state.out).toMatch(/^g1\s+127\.0\.0\.1:\d+ \(\d\)\s+-\s+Empty\s+0\s*$/m)
    const members = await cli(['groups', '--describe', '--members', '--group', 'g1', '--bootstrap-server', bootstrap])
    expect(members.out).toBe("\nConsumer group 'g1' has no active members.\n")
    const missing = await cli(['groups', '--describe', '--state', '--group', 'nobody', '--bootstrap-server', bootstrap])
    expect(missing.out).toBe("Consumer group 'nobody' does not exist.\n")
  })

  it('produces with acks=0 without waiting for an answer, and the records arrive', async () => {
    expect((await cli(['topic', 'create', 'fire-and-forget', '--bootstrap-server', bootstrap])).code).toBe(0)
    const p = await cli(['produce', '--topic', 'fire-and-forget', '--value', 'x{{i}}', '--count', '3', '--acks', '0', '--bootstrap-server', bootstrap])
    expect(p.code).toBe(0)
    expect(p.out).toMatch(/^Produced 3 records to fire-and-forget in \d+ ms\n {2}partition 0: 3 records \(acks=0: offsets not known\)\n$/)
    // Nothing was awaited: read until the records are there (bounded by the test's timeout).
    let out = ''
    while (out !== 'x0\nx1\nx2\n') out = (await cli(['consume', '--topic', 'fire-and-forget', '--from-beginning', '--bootstrap-server', bootstrap])).out
  })

  it('follows a topic over the wire: records produced while consume --follow runs are printed', async () => {
    expect((await cli(['topic', 'create', 'tailed', '--partitions', '2', '--bootstrap-server', bootstrap])).code).toBe(0)
    // From the beginning, so that records produced before its first poll count too (no race on where it starts).
    const following = cli(['consume', '--topic', 'tailed', '--follow', '--from-beginning', '--max', '3', '--print-key', '--data-dir', dataDir])
    for (let i = 0; i < 3; i++) expect((await cli(['produce', '--topic', 'tailed', '--key', `k${i}`, '--value', `v${i}`, '--data-dir', dataDir])).code).toBe(0)
    const r = await following
    expect(r.code).toBe(0)
    expect(r.out.split('\n').filter(Boolean).sort()).toEqual(['k0\tv0', 'k1\tv1', 'k2\tv2'])
    expect(r.err).toBe('Consumed 3 records.\n')
  })

  it('reports an unknown topic as UNKNOWN_TOPIC_OR_PARTITION, as the in-process path does', async () => {
    const d = await cli(['topic', 'describe', 'no-such-topic', '--bootstrap-server', bootstrap])
    expect(d.code).toBe(1)
    expect(d.err).toMatch(/^brokerlab: UNKNOWN_TOPIC_OR_PARTITION: .*no-such-topic/)
    const c = await cli(['consume', '--topic', 'no-such-topic', '--data-dir', dataDir])
    expect(c.code).toBe(1)
    expect(c.err).toMatch(/^brokerlab: UNKNOWN_TOPIC_OR_PARTITION: /)
  })

  it('names a refused address and says how to start a cluster', async () => {
    const server = net.createServer()
    await new Promise<void>((res) => server.listen(0, '127.0.0.1', res))
    const port = (server.address() as net.AddressInfo).port
    await new Promise<void>((res) => server.close(() => res()))
    const r = await cli(['topic', 'list', '--bootstrap-server', `127.0.0.1:${port}`])
    expect(r.code).toBe(1)
    expect(r.err).toContain(`NETWORK_EXCEPTION: Connection to 127.0.0.1:${port} refused`)
    expect(r.err).toContain('brokerlab start')
  })

  it('gives up on a broker that accepts but never answers within the request bound, naming it', async () => {
    const sockets: net.Socket[] = []
    const server = net.createServer((s) => void sockets.push(s))
    await new Promise<void>((res) => server.listen(0, '127.0.0.1', res))
    const port = (server.address() as net.AddressInfo).port
    try {
      const r = await cli(['topic', 'list', '--bootstrap-server', `127.0.0.1:${port}`], { BROKERLAB_REQUEST_TIMEOUT_MS: '300' })
      expect(r.code).toBe(1)
      expect(r.err).toContain(`REQUEST_TIMED_OUT: No answer from the broker at 127.0.0.1:${port} within 300 ms`)
    } finally {
      for (const s of sockets) s.destroy()
      await new Promise<void>((res) => server.close(() => res()))
    }
  })

  it('refuses a malformed --bootstrap-server as a usage error before contacting anything', async () => {
    const r = await cli(['topic', 'list', '--bootstrap-server', 'localhost'])
    expect(r.code).toBe(2)
    expect(r.err).toContain('"localhost" is not HOST:PORT')
  })
})

describe('topic create over the wire is in the engine', { timeout: 60_000 }, () => {
  it('the topic made over the wire is in the data directory once the cluster is closed', async () => {
    await cli(['topic', 'create', 'persisted', '--partitions', '2', '--bootstrap-server', bootstrap])
    await cluster.close()
    const engine = LocalEngine.open({ dataDir, log: () => {} })
    try {
      expect(engine.partitionCount('persisted')).toBe(2)
      expect(engine.partitionCount('wire-made')).toBe(3)
    } finally {
      await engine.close()
    }
  })
})

describe('the same output over the wire as in-process', { timeout: 90_000 }, () => {
  it('prints topic describe, offsets, groups and refusals the same way from the running cluster and from the closed directory', async () => {
    const pdir = fs.mkdtempSync(path.join(os.tmpdir(), 'brokerlab-cli-parity-'))
    const pdata = path.join(pdir, 'data')
    const running = HeadlessCluster.open({ dataDir: pdata, brokers: 3, log: () => {} })
    const commands = [
      ['topic', 'describe', 'parity'],
      ['topic', 'describe', 'parity', '--json'],
      ['offsets', '--topic', 'parity'],
      ['groups', '--describe', '--group', 'gp'],
      ['groups', '--list', '--state']
    ]
    // Refusals print the same line (Kafka's error name and message) either way.
    const refused = [
      ['topic', 'create', 'too-many-replicas', '--replication-factor', '4'],
      ['topic', 'delete', 'no-such-topic'],
      ['groups', '--delete', '--group', 'no-such-group']
    ]
    const remote: string[] = []
    const remoteRefusals: string[] = []
    try {
      await running.startListeners({ host: '127.0.0.1', basePort: 0 }, () => {})
      const at = ['--bootstrap-server', running.bootstrapServers()]
      expect((await cli(['topic', 'create', 'parity', '--partitions', '3', '--replication-factor', '3', ...at])).code).toBe(0)
      const altered = await cli(['topic', 'alter', 'parity', '--partitions', '4', '--config', 'cleanup.policy=compact', ...at])
      expect(altered.out).toBe('Topic parity now has 4 partitions.\nUpdated configs of topic parity: cleanup.policy=compact.\n')
      expect((await cli(['topic', 'create', 'doomed', ...at])).code).toBe(0)
      expect((await cli(['topic', 'delete', 'doomed', ...at])).out).toBe('Deleted topic doomed.\n')
      expect((await cli(['produce', '--topic', 'parity', '--key', 'k{{i}}', '--value', 'v{{i}}', '--count', '40', ...at])).code).toBe(0)
      expect((await cli(['consume', '--topic', 'parity', '--group', 'gp', '--from-beginning', '--max', '25', ...at])).code).toBe(0)
      expect((await cli(['consume', '--topic', 'parity', '--group', 'gone', '--from-beginning', '--max', '1', ...at])).code).toBe(0)
      expect((await cli(['groups', '--delete', '--group', 'gone', ...at])).out).toBe("Deletion of requested consumer groups ('gone') was successful.\n")
      const reset = await cli(['groups', '--reset-offsets', '--group', 'gp', '--topic', 'parity:0', '--to-earliest', '--json', ...at])
      expect(JSON.parse(reset.out).executed).toBe(false)
      for (const c of commands) {
        const r = await cli([...c, ...at])
        expect(r.code, `${c.join(' ')}: ${r.err}`).toBe(0)
        remote.push(r.out)
      }
      for (const c of refused) remoteRefusals.push((await cli([...c, ...at])).err)
    } finally {
      await running.close()
    }
    try {
      for (let i = 0; i < commands.length; i++) {
        const local = await cli([...commands[i], '--data-dir', pdata])
        expect(local.code).toBe(0)
        expect(remote[i], commands[i].join(' ')).toBe(local.out)
      }
      for (let i = 0; i < refused.length; i++) {
        const local = await cli([...refused[i], '--data-dir', pdata])
        expect(local.code, refused[i].join(' ')).toBe(1)
        expect(remoteRefusals[i], refused[i].join(' ')).toBe(local.err)
      }
    } finally {
      fs.rmSync(pdir, { recursive: true, force: true })
    }
  })
})
