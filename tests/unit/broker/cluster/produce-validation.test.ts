/**
 * Cluster.produce's validation as hosts that write one request in several calls rely on it:
 * request-relative record indexes in messages (recordIndexBase) and null-key records steered
 * away from partitions that cannot take an acks=all produce.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { Cluster } from '../../../../src/broker/cluster/cluster'
import { seededRandom } from '../../../../src/broker/client/partitioner'
import { memoryLogStore } from './memory-replica-log'

const open: { cluster: Cluster; dir: string }[] = []

afterEach(async () => {
  for (const { cluster, dir } of open.splice(0)) {
    await cluster.close()
    fs.rmSync(dir, { recursive: true, force: true })
  }
})

function cluster(): Cluster {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'brokerlab-produce-validation-'))
  const c = new Cluster({ dataDir: dir, autoReplicate: false, random: seededRandom(3), logStore: memoryLogStore(new Map(), dir) })
  open.push({ cluster: c, dir })
  return c
}

describe('Cluster.produce validation', () => {
  it('refuses a record of the wrong shape with INVALID_RECORD naming it and the rule, and appends nothing; null or absent headers are none', async () => {
    const c = cluster()
    c.createTopic('s', { partitions: 1, replicationFactor: 1 })
    const ok = { key: null, value: Buffer.from('ok') }
    const bad: [unknown, RegExp][] = [
      [{ key: 'k', value: null }, /^Record 1: key must be a Buffer or null$/],
      [{ key: null, value: new Uint8Array(2) }, /^Record 1: value must be a Buffer or null$/],
      [{ key: null, value: null, headers: {} }, /^Record 1: headers must be an array$/],
      [{ key: null, value: null, headers: [{ key: 1, value: null }] }, /^Record 1: a header needs a string key and a Buffer or null value$/],
      [{ key: null, value: null, headers: [{ key: 'h', value: 'v' }] }, /^Record 1: a header needs a string key and a Buffer or null value$/],
      [7, /^Record 1 is not an object$/]
    ]
    for (const [record, message] of bad) {
      await expect(c.produce('s', [ok, record as typeof ok], { acks: 1 })).rejects.toMatchObject({ code: 'INVALID_RECORD', message: expect.stringMatching(message) })
    }
    expect(c.describeTopic('s').partitions[0].logEndOffset).toBe(0)
    const mds = await c.produce('s', [{ ...ok, headers: null } as unknown as typeof ok, { value: Buffer.from('x') } as unknown as typeof ok], { acks: 1 })
    expect(mds.map((m) => m.offset)).toEqual([0, 1])
    expect(c.fetch('s', 0, 0).records.map((r) => [r.key, r.headers.length])).toEqual([
      [null, 0],
      [null, 0]
    ])
  })

  it('names a refused record by recordIndexBase + its index in the call, and appends nothing', async () => {
    const c = cluster()
    c.createTopic('big', { partitions: 1, replicationFactor: 1, configs: { 'max.message.bytes': 200 } })
    const records = [{ key: null, value: Buffer.from('ok') }, { key: null, value: Buffer.alloc(500) }]
    await expect(c.produce('big', records, { acks: 1, recordIndexBase: 1500 })).rejects.toMatchObject({
      code: 'RECORD_TOO_LARGE',
      message: expect.stringMatching(/^Record 1501 is \d+ bytes/)
    })
    expect(c.describeTopic('big').partitions[0].logEndOffset).toBe(0)
  })

  it('sends null-key records with acks=all only to partitions whose ISR meets min.insync.replicas', async () => {
    const c = cluster()
    c.createTopic('st', { partitions: 3, replicationFactor: 2, configs: { 'min.insync.replicas': 2 } })
    c.stopBroker(1) // leaves every ISR: the partitions it hosted keep one in-sync replica
    const healthy = c.describeTopic('st').partitions.filter((p) => p.isr.length >= 2).map((p) => p.partition)
    expect(healthy.length).toBeGreaterThan(0)
    expect(healthy.length).toBeLessThan(3)
    const landed = new Set<number>()
    for (let i = 0; i < 12; i++) {
      const pending = c.produce('st', [{ key: null, value: Buffer.from(`v${i}`) }], { acks: 'all' })
      c.replicateNow()
      for (const m of await pending) landed.add(m.partition)
    }
    expect([...landed].every((p) => healthy.includes(p))).toBe(true)
  })
})
