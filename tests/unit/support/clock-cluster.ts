/**
 * Clusters for engine tests on an injected clock, with no background work: each in a fresh
 * temporary data directory, 3 brokers, file storage, log lines dropped; closed and removed after
 * every test (vitest afterEach, registered by clockClusters in the calling test file). Time moves
 * only when the test sets `clock.now`; replication runs when it calls replicateNow() / tick().
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach } from 'vitest'
import { Cluster, type ClusterTestOptions } from '../../../src/broker/cluster/cluster'
import type { ClusterOptions } from '../../../src/broker/cluster/cluster-api'

/** The clock's start, ms since the epoch (2023-11-14). */
export const T0 = 1_700_000_000_000

/** A cluster opened by clockClusters, with the clock it reads and its data directory. */
export interface ClockCluster {
  cluster: Cluster
  clock: { now: number }
  dir: string
}

/**
 * Registers the cleanup in the calling test file and returns the opener: `open(opts)` makes a data
 * directory named `<tmp>/<prefix>XXXXXX` and opens a Cluster there on a clock starting at T0, with
 * `{ brokers: 3, autoReplicate: false, storage: 'file', log: () => {} }` and `opts` over them.
 */
export function clockClusters(prefix: string): (opts?: Partial<ClusterOptions> & ClusterTestOptions) => ClockCluster {
  const dirs: string[] = []
  const open: Cluster[] = []
  afterEach(async () => {
    for (const c of open.splice(0)) await c.close()
    for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true })
  })
  return (opts = {}) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix))
    dirs.push(dir)
    const clock = { now: T0 }
    const cluster = new Cluster({ brokers: 3, autoReplicate: false, storage: 'file', log: () => {}, ...opts, dataDir: dir, clock: () => clock.now })
    open.push(cluster)
    return { cluster, clock, dir }
  }
}
