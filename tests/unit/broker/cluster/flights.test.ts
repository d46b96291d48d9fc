import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { Cluster } from '../../../../src/broker/cluster/cluster'
import { partitionForKey } from '../../../../src/broker/client/partitioner'
import { FLIGHTS_20K } from '../../../fixtures/datasets'

const DATASET = FLIGHTS_20K

describe('the flights dataset on a 3-broker cluster', () => {
  it('puts each origin on the partition murmur2 gives, with every replica holding every record after reopen', async () => {
    const flights = JSON.parse(fs.readFileSync(DATASET, 'utf8')) as { origin: string }[]
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'brokerlab-flights-'))
    try {
      let cluster = new Cluster({ dataDir: dir, storage: 'file', log: () => {} })
      cluster.createTopic('flights', { partitions: 6, replicationFactor: 3 })
      const expected = new Array(6).fill(0)
      for (const f of flights) expected[partitionForKey(Buffer.from(f.origin, 'utf8'), 6)]++
      for (let i = 0; i < flights.length; i += 1000) {
        const chunk = flights.slice(i, i + 1000).map((f) => ({ key: Buffer.from(f.origin, 'utf8'), value: Buffer.from(JSON.stringify(f)) }))
        await cluster.produce('flights', chunk, { acks: 'all' })
      }
      await cluster.close()
      cluster = new Cluster({ dataDir: dir, log: () => {}, storage: 'file' })
      const t = cluster.describeTopic('flights')
      expect(t.partitions.map((p) => p.highWatermark)).toEqual(expected)
      for (const p of t.partitions) expect(p.replicaStates.map((r) => r.logEndOffset)).toEqual([expected[p.partition], expected[p.partition], expected[p.partition]])
      const first = cluster.fetch('flights', 0, 0, { maxRecords: 5 }).records
      for (const r of first) expect(partitionForKey(r.key!, 6)).toBe(0)
      await cluster.close()
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })
})
