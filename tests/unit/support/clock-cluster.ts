/**
 * Clusters for engine tests on an injected clock, with no background work: each in a fresh
 * temporary data directory, 3 brokers, file storage, log lines dropped; closed and removed after
 * every test (vitest afterEach, registered by clockClusters in the calling test file). Time moves
 * only when the test sets `clock.now`; replication runs when it calls replicateNow() / tick().
 * What must stay true: every cluster the opener returns is closed, and every directory it or
 * tempDir() made (or was given) is removed, after each test, whether the test passed or not; a
 * test may close a cluster itself (Cluster.close is idempotent) to reopen its directory.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach } from 'vitest'
import { Cluster, type ClusterTestOptions } from '../../../src/broker/cluster/cluster'
import type { ClusterOptions } from '../../../src/broker/cluster/cluster-api'

/** The clock's start, ms since the epoch (2023-11-14). */
export const T0 = 1_700_000_000_000

/** A clock a test moves by setting `now` (ms since the epoch). */
export interface TestClock {
  now: number
}

/** A cluster opened by clockClusters, with the clock it reads and its data directory. */
export interface ClockCluster {
  cluster: Cluster
  clock: TestClock
  dir: string
}

/**
 * What a test may set when it opens a cluster: any ClusterOptions / ClusterTestOptions over the
 * harness defaults, plus
 * - `dataDir`: open (or reopen) the cluster in this directory instead of a fresh one (it is removed
 *   after the test too);
 * - `clock`: the clock the cluster reads, e.g. a closed cluster's to reopen on the same time line
 *   (default: a fresh clock at T0).
 */
export type ClockClusterOptions = Omit<Partial<ClusterOptions> & ClusterTestOptions, 'clock'> & { clock?: TestClock }

/** The opener clockClusters returns, with the fresh-directory helper of the same test file. */
export interface ClockClusterOpener {
  (opts?: ClockClusterOptions): ClockCluster
  /** A fresh empty directory `<tmp>/<prefix>XXXXXX`, removed after the test (for tests that open clusters themselves). */
  tempDir(): string
}

/**
 * Registers the cleanup in the calling test file and returns the opener: `open(opts)` makes a data
 * directory named `<tmp>/<prefix>XXXXXX` (unless `opts.dataDir` names one) and opens a Cluster there
 * on a clock starting at T0 (unless `opts.clock` is given), with
 * `{ brokers: 3, autoReplicate: false, storage: 'file', log: () => {} }` and `opts` over them.
 * Errors of the Cluster constructor (e.g. INVALID_CONFIG) are thrown as they are.
 */
export function clockClusters(prefix: string): ClockClusterOpener {
  const dirs: string[] = []
  const open: Cluster[] = []
  afterEach(async () => {
    for (const c of open.splice(0)) await c.close()
    for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true })
  })
  const tempDir = (): string => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix))
    dirs.push(dir)
    return dir
  }
  const opener = ({ dataDir, clock = { now: T0 }, ...opts }: ClockClusterOptions = {}): ClockCluster => {
    const dir = dataDir ?? tempDir()
    if (!dirs.includes(dir)) dirs.push(dir)
    const cluster = new Cluster({ brokers: 3, autoReplicate: false, storage: 'file', log: () => {}, ...opts, dataDir: dir, clock: () => clock.now })
    open.push(cluster)
    return { cluster, clock, dir }
  }
  return Object.assign(opener, { tempDir })
}
