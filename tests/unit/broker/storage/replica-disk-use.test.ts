/**
 * What an open replica costs on disk: a running cluster's data directory, measured with the file
 * system's allocated blocks, holds little beyond the records (indexes grow on demand, the mmap
 * backend's mappings grow in bounded steps). Issue 7, point 1.
 */
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadMmapAddon } from '../../../../src/broker/storage/mmap-backend'
import { clockClusters } from '../../support/clock-cluster'

const MB = 1024 * 1024
const kinds: ('file' | 'mmap')[] = loadMmapAddon().ok ? ['file', 'mmap'] : ['file']
const openCluster = clockClusters('brokerlab-disk-')

/** Bytes the file system allocated for everything under `dir` (blocks * 512, files and directories). */
function allocatedBytes(dir: string): number {
  let total = 0
  for (const ent of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, ent.name)
    total += fs.statSync(p).blocks * 512
    if (ent.isDirectory()) total += allocatedBytes(p)
  }
  return total
}

describe.each(kinds)('disk use of open replicas on the %s backend', (storage) => {
  it('a 100-partition RF 3 topic with a few records in every partition occupies well under 200 MB while the cluster runs', async () => {
    const { cluster, dir: dataDir } = openCluster({ storage })
    const partitions = 100
    cluster.createTopic('wide', { partitions, replicationFactor: 3 })
    for (let p = 0; p < partitions; p++) {
      const records = Array.from({ length: 5 }, (_, i) => ({ key: Buffer.from(`k${i}`), value: Buffer.alloc(100, i), partition: p }))
      await cluster.produce('wide', records, { acks: 1 })
    }
    cluster.replicateNow()
    const state = cluster.describeTopic('wide')
    expect(state.partitions.every((p) => p.replicaStates.every((r) => r.logEndOffset === 5))).toBe(true)
    const used = allocatedBytes(dataDir)
    expect(used).toBeLessThan(100 * MB)
  })
})
