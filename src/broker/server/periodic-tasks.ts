/**
 * PeriodicTasks: the brokers' periodic work at one instant, in the order the Scheduler's tick runs
 * it (Kafka schedules these as separate KafkaScheduler tasks: the controller's heartbeat checks and
 * auto-leader-rebalance-task, ReplicaManager's isr-expiration, LogManager's kafka-log-flusher and
 * kafka-log-retention, the log cleaner, the group coordinator's expirations): the fault injector's
 * heartbeats (fencing a broker the controller stopped hearing from), offline replicas tried again,
 * a replication round, the ISR shrink by lag (replica.lag.time.max.ms) on every broker, the log
 * managers' flush.ms, retention and a step of compaction, the preferred-leader rebalance every
 * leader.imbalance.check.interval.seconds (when auto.leader.rebalance.enable is true), the group
 * coordinator's timers, and the metadata written at the end.
 *
 * Must stay true: one run is one synchronous step at the clock's now; the group coordinator follows
 * leadership after a fence; the metadata changes of the step are persisted at its end.
 */
import type { ReplicaLogStore } from '../cluster/replica-log'
import type { Controller } from '../controller/controller'
import type { FaultInjector } from '../faults/fault-injector'
import type { GroupCoordinator } from '../group/group-coordinator'
import type { BrokerServer } from './broker-server'

/** What the periodic work needs from its cluster. */
export interface PeriodicTasksEnv {
  /** The cluster's clock, ms since the epoch. */
  clock(): number
  /** The brokers' process states and heartbeats. */
  injector: FaultInjector
  /** The group coordinator (leadership of __consumer_offsets, its timers). */
  groups: GroupCoordinator
  /** Every broker of the cluster, by id. */
  brokers: ReadonlyMap<number, BrokerServer>
  /** The brokers' replica logs. */
  store: ReplicaLogStore
  /** The active controller (registrations, AlterPartition, replica states). */
  controller: Controller
  /** One replication round (Cluster.replicateNow). */
  replicate(): void
  /** The followers of `topic`-`i` fetch now (ReplicaFetcherManager.fetchPartition). */
  fetchPartition(topic: string, i: number): void
  /** Persists the step's metadata changes (MetadataWriter.persist). */
  persist(): void
}

/** The periodic work of a cluster's brokers. */
export class PeriodicTasks {
  /** The periodic work over the cluster's parts in `env`. */
  constructor(private readonly env: PeriodicTasksEnv) {}

  /** One tick at the clock's now (see the module header); returns true while the log cleaner has work left. */
  run(): boolean {
    const { env } = this
    const now = env.clock()
    if (env.injector.tick(now)) env.groups.checkLeadership()
    for (const b of env.brokers.values()) for (const p of [...b.replicaManager.allPartitions()]) if (p.offline) p.retryOffline(now)
    env.replicate()
    for (const b of env.brokers.values()) b.replicaManager.tick(now)
    const cleaning = env.store.tick(now, env.controller.registry.liveIds())
    env.controller.maybeRebalanceLeaders(now, (t, i) => env.fetchPartition(t, i))
    env.groups.tick(now)
    env.persist()
    return cleaning
  }
}
