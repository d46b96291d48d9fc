/**
 * Test helper: a real Cluster in a fresh temp directory with an injected clock, replicating on the
 * event loop as in the app; `cleanup()` closes it and removes the directory.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { Cluster } from '../../../src/broker/cluster/cluster'
import { seededRandom } from '../../../src/broker/client/partitioner'

export interface TestCluster {
  cluster: Cluster
  dir: string
  clock: { now: number }
  cleanup(): Promise<void>
}

/** Opens a 3-broker cluster (or `brokers`) in a new temp dir. */
export function openTestCluster(brokers = 3): TestCluster {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'brokerlab-main-'))
  const clock = { now: 1_700_000_000_000 }
  const cluster = Cluster.open({ dataDir: dir, brokers, clock: () => clock.now, random: seededRandom(7), log: () => undefined })
  let closed = false
  return {
    cluster,
    dir,
    clock,
    async cleanup() {
      if (!closed) await cluster.close().catch(() => undefined)
      closed = true
      fs.rmSync(dir, { recursive: true, force: true })
    }
  }
}
