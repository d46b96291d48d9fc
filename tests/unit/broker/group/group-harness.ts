/**
 * A 3-broker cluster with an injected clock and no background work, and helpers that speak to its
 * group coordinator as a wire client would: requests addressed to the group's coordinator (found
 * with FindCoordinator), consumer-protocol subscriptions, and a way to look at a promise's outcome
 * without awaiting it.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { Cluster } from '../../../../src/broker/cluster/cluster'
import type { GroupConfig } from '../../../../src/broker/group/group-membership'
import type { GroupRequestContext, JoinGroupRequest } from '../../../../src/broker/group/group-requests'

export const GROUP = 'g'

/** The cluster under test, its data directory and clock. */
export interface Harness {
  cluster: Cluster
  dir: string
  clock: { now: number }
  /** Opens the cluster again in the same directory (after close). */
  reopen(): Cluster
  cleanup(): Promise<void>
}

const START = 1_700_000_000_000

/** Opens a 3-broker cluster with topic 't' (3 partitions) and 'u' (1 partition), RF 3. */
export function openHarness(groupConfig: Partial<GroupConfig> = {}): Harness {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'brokerlab-group-'))
  const clock = { now: START }
  const opened: Cluster[] = []
  const open = (): Cluster => {
    const c = new Cluster({ dataDir: dir, brokers: 3, clock: () => clock.now, autoReplicate: false, storage: 'file', log: () => {}, eventLog: () => {}, groupConfig })
    opened.push(c)
    return c
  }
  const cluster = open()
  cluster.createTopic('t', { partitions: 3, replicationFactor: 3 })
  cluster.createTopic('u', { partitions: 1, replicationFactor: 3 })
  return {
    cluster,
    dir,
    clock,
    reopen: open,
    async cleanup() {
      for (const c of opened) await c.close()
      fs.rmSync(dir, { recursive: true, force: true })
    }
  }
}

/** A ConsumerProtocolSubscription v0 of `topics` (int16 version, int32 count, strings, null user data). */
export function subscription(topics: string[]): Buffer {
  const parts: Buffer[] = [Buffer.from([0, 0])]
  const n = Buffer.alloc(4)
  n.writeInt32BE(topics.length)
  parts.push(n)
  for (const t of topics) {
    const len = Buffer.alloc(2)
    len.writeInt16BE(Buffer.byteLength(t))
    parts.push(len, Buffer.from(t))
  }
  parts.push(Buffer.from([0xff, 0xff, 0xff, 0xff]))
  return Buffer.concat(parts)
}

/** The context of a request from `clientId` to the group's current coordinator (JoinGroup v9 unless told). */
export function ctx(cluster: Cluster, clientId = 'client', apiVersion = 9, groupId = GROUP): GroupRequestContext {
  return { brokerId: cluster.groupCoordinator().findCoordinator(groupId).nodeId, clientId, clientHost: '/127.0.0.1', apiVersion }
}

/** A consumer's JoinGroup for topic 't' with the range assignor; session 10 s, rebalance 20 s. */
export function joinReq(memberId = '', over: Partial<JoinGroupRequest> = {}): JoinGroupRequest {
  return {
    groupId: GROUP,
    sessionTimeoutMs: 10000,
    rebalanceTimeoutMs: 20000,
    memberId,
    groupInstanceId: null,
    protocolType: 'consumer',
    protocols: [{ name: 'range', metadata: subscription(['t']) }],
    ...over
  }
}

/** The outcome of a promise, read without awaiting it (after `flush`). */
export function watch<T>(p: Promise<T>): { done: boolean; value?: T } {
  const o: { done: boolean; value?: T } = { done: false }
  void p.then((v) => {
    o.done = true
    o.value = v
  })
  return o
}

/** Lets settled promises run their callbacks. */
export const flush = (): Promise<void> => new Promise((r) => setImmediate(r))
