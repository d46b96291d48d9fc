/**
 * ClusterView: the engine's state as the API describes it (ClusterApi's BrokerState, TopicState,
 * PartitionState), read from the controller's registrations and the brokers' replicas: each
 * partition's leader, epoch, replicas and ISR, the offsets of its leader's log (of its most complete
 * replica when offline), and each replica's log end offset, whether it is usable, and its lag behind
 * the leader in records (leader's log end offset - its own) and in ms (now - the leader's
 * lastCaughtUpMs of it, 0 while caught up; Kafka's replica.lag.time.max.ms notion); ListOffsets
 * answered from those logs, and the low watermark after DeleteRecords.
 *
 * Must stay true: pure reads; nothing here changes state.
 */
import { KafkaError } from '../model/errors'
import type { Controller } from '../controller/controller'
import type { BrokerFaults } from '../faults/broker-faults'
import type { FaultInjector } from '../faults/fault-injector'
import type { ReplicaManager } from '../server/replica-manager'
import type { BrokerState, PartitionState, ReplicaState, TopicState } from './cluster-api'
import type { TopicMeta } from './cluster-metadata'
import type { Partition } from './partition'
import type { ReplicaLog } from './replica-log'

/** Port of broker 1's address label; broker n is labelled FIRST_BROKER_PORT + n - 1. */
export const FIRST_BROKER_PORT = 9092

/** Reads of the cluster's state for the API. */
export class ClusterView {
  constructor(
    private readonly controller: Controller,
    private readonly replicaManagers: ReadonlyMap<number, ReplicaManager>,
    private readonly injector: FaultInjector,
    private readonly faults: BrokerFaults,
    /** The cluster's clock (ms since the epoch), for the replicas' lag in ms. */
    private readonly clock: () => number
  ) {}

  /**
   * Every broker: address label, process state (running, stopped, killed), fenced, its faults
   * (isolated, slowed), the controller's last contact, fetching, partitions led, replicas hosted,
   * bytes on disk.
   */
  brokers(): BrokerState[] {
    const reg = this.controller.registry
    return reg.ids().map((id) => {
      let partitionsLed = 0
      let replicas = 0
      let bytesOnDisk = 0
      for (const t of this.controller.replication.topics())
        for (const pm of t.partitions) {
          if (pm.leader === id) partitionsLed++
          if (pm.replicas.includes(id)) replicas++
        }
      for (const p of this.replicaManagers.get(id)!.allPartitions()) bytesOnDisk += p.log?.sizeInBytes ?? 0
      const state = this.injector.state(id)
      const f = this.faults.of(id)
      return {
        id,
        address: `127.0.0.1:${FIRST_BROKER_PORT + id - 1}`,
        alive: state === 'running',
        state,
        fenced: reg.isFenced(id),
        isolated: f.isolated,
        slowMs: f.slowMs,
        lastHeartbeatMs: this.injector.lastHeartbeatMs(id),
        fetching: state === 'running' && reg.isFetching(id),
        partitionsLed,
        replicas,
        bytesOnDisk
      }
    })
  }

  /** The log the API shows for partition `i`: the leader's, or when offline the replica reaching furthest. */
  logOf(t: TopicMeta, i: number): ReplicaLog | null {
    const pm = t.partitions[i]
    if (pm.leader >= 0) return this.replicaManagers.get(pm.leader)?.partition(t.name, i)?.log ?? null
    let best: ReplicaLog | null = null
    for (const b of pm.replicas) {
      const log = this.replicaManagers.get(b)?.partition(t.name, i)?.log
      if (log && (!best || log.logEndOffset > best.logEndOffset)) best = log
    }
    return best
  }

  partition(t: TopicMeta, i: number): PartitionState {
    const pm = t.partitions[i]
    const view = this.logOf(t, i)
    const leader = pm.leader >= 0 ? this.replicaManagers.get(pm.leader)?.partition(t.name, i) : undefined
    const now = this.clock()
    const replicaStates: ReplicaState[] = pm.replicas.map((b) => {
      const p: Partition | undefined = this.replicaManagers.get(b)?.partition(t.name, i)
      const logEndOffset = p?.logEndOffset ?? 0
      return {
        brokerId: b,
        logEndOffset,
        inSync: pm.isr.includes(b),
        offline: !this.controller.registry.isAlive(b) || !this.injector.isRunning(b) || !!p?.offline,
        storageError: p?.offline?.error.message ?? null,
        ...replicaLag(leader, b, logEndOffset, now)
      }
    })
    return {
      topic: t.name,
      partition: i,
      leader: pm.leader,
      leaderEpoch: pm.leaderEpoch,
      replicas: [...pm.replicas],
      isr: [...pm.isr],
      logStartOffset: view?.logStartOffset ?? 0,
      logEndOffset: view?.logEndOffset ?? 0,
      highWatermark: view?.highWatermark ?? 0,
      recordCount: countRecords(view),
      sizeBytes: view?.sizeInBytes ?? 0,
      replicaStates
    }
  }

  topic(t: TopicMeta): TopicState {
    return {
      name: t.name,
      partitions: t.partitions.map((_pm, i) => this.partition(t, i)),
      replicationFactor: t.partitions[0]?.replicas.length ?? 0,
      configs: { ...t.configs },
      internal: t.internal
    }
  }

  /**
   * Kafka's ListOffsets on partition `i` of `t`: earliest = log start offset, latest = high
   * watermark, { timestamp } = the first offset whose timestamp >= T below the high watermark, or
   * null. Read from the leader, or the most complete replica of an offline partition (logOf).
   * @throws KafkaError INVALID_REQUEST for a bad spec.
   */
  listOffset(t: TopicMeta, i: number, spec: 'earliest' | 'latest' | { timestamp: number }): number | null {
    const log = this.logOf(t, i)
    if (spec === 'earliest') return log?.logStartOffset ?? 0
    if (spec === 'latest') return log?.highWatermark ?? 0
    if (!spec || typeof spec !== 'object' || !Number.isFinite(spec.timestamp))
      throw new KafkaError('INVALID_REQUEST', `Offset spec must be 'earliest', 'latest' or { timestamp: ms }`)
    if (!log) return null
    const o = log.offsetForTimestamp(spec.timestamp)
    return o === null || o >= log.highWatermark ? null : o
  }

  /**
   * The low watermark of partition `i` of `t` after DeleteRecords moved its leader's log start
   * offset to `logStartOffset`: the lowest log start offset of the live in-sync replicas (Kafka's
   * lowWatermarkIfLeader), which reaches the offset once they followed.
   */
  lowWatermark(t: TopicMeta, i: number, logStartOffset: number): number {
    let lowWatermark = logStartOffset
    for (const b of t.partitions[i].replicas) {
      if (!this.controller.registry.isAlive(b) || !(this.controller.replication.topic(t.name)?.partitions[i].isr ?? []).includes(b)) continue
      const log = this.replicaManagers.get(b)?.partition(t.name, i)?.log
      if (log) lowWatermark = Math.min(lowWatermark, log.logStartOffset)
    }
    return lowWatermark
  }
}

/**
 * Replica `b`'s lag behind `leader` (the leader's Partition, undefined when the partition has no
 * leader): records = the leader's log end offset - `logEndOffset` (never negative: a follower never
 * holds more than its leader once truncated); ms = 0 when caught up, else now - the leader's
 * lastCaughtUpMs of it (Kafka's Replica.lastCaughtUpTimeMs). The leader itself lags by 0.
 */
function replicaLag(leader: Partition | undefined, b: number, logEndOffset: number, now: number): { lagRecords: number | null; lagMs: number | null } {
  if (!leader?.isLeader) return { lagRecords: null, lagMs: null }
  if (b === leader.brokerId) return { lagRecords: 0, lagMs: 0 }
  const lagRecords = Math.max(0, leader.logEndOffset - logEndOffset)
  if (lagRecords === 0) return { lagRecords, lagMs: 0 }
  const caughtUp = leader.lastCaughtUpMs(b)
  return { lagRecords, lagMs: caughtUp === null ? null : Math.max(0, now - caughtUp) }
}

/** `log`'s records below its high watermark (ReplicaLog.recordCount), or null when it cannot be counted. */
function countRecords(log: ReplicaLog | null): number | null {
  if (!log) return null
  try {
    return log.recordCount
  } catch {
    return null // a corrupt segment: the replica's own failover and repair deal with it
  }
}
