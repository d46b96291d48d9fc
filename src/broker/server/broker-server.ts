/**
 * BrokerServer: one broker of the embedded cluster (after Kafka's kafka.server.BrokerServer, which
 * builds a broker's managers): its ReplicaManager (./replica-manager.ts: the requests addressed to
 * it), its ReplicaFetcher (./replica-fetcher.ts: its followers fetching from their leaders, through
 * the faults between the two brokers), its ProducerIdManager (its current block of producer ids)
 * and the env each of its Partitions gets (its log in the broker's log directory, the topic's
 * configs, and the controller's AlterPartition and replica-state requests).
 *
 * Must stay true: a broker fetches only while the controller lets it (not paused) and its process
 * runs; it fetches from a leader only when that leader runs and the faults let the two reach each
 * other; a producer id is handed out only by a running broker, from a block the controller recorded
 * durably first.
 */
import { KafkaError } from '../model/errors'
import { toLogConfig } from '../model/log-config'
import type { ClusterEventInput } from '../cluster/cluster-events'
import type { PartitionEnv } from '../cluster/partition'
import type { ReplicaLogStore } from '../cluster/replica-log'
import type { Controller } from '../controller/controller'
import { ProducerIdManager, type ProducerIdsBlock } from '../controller/producer-id-control'
import type { BrokerFaults } from '../faults/broker-faults'
import type { FaultInjector } from '../faults/fault-injector'
import type { ClusterMetrics } from '../metrics/cluster-metrics'
import { ReplicaFetcher } from './replica-fetcher'
import { ReplicaManager } from './replica-manager'

/** What a broker needs from its cluster. */
export interface BrokerServerEnv {
  /** The cluster's clock, ms since the epoch. */
  clock(): number
  /** Kafka's replica.lag.time.max.ms, ms. */
  readonly replicaLagTimeMaxMs: number
  /** How often (ms) an offline replica's log is tried again. */
  readonly offlineRetryMs: number
  /** The active controller (registrations, AlterPartition, replica states). */
  controller: Controller
  /** The brokers' replica logs. */
  store: ReplicaLogStore
  /** The rate meters appends and reads count into. */
  metrics: ClusterMetrics
  /** The brokers' process states (running, stopped, killed). */
  injector: FaultInjector
  /** The faults between brokers (isolation, delays). */
  faults: BrokerFaults
  /** Broker `id`'s ReplicaManager (any broker of the cluster). */
  replicaManager(id: number): ReplicaManager
  /**
   * The controller's AllocateProducerIds for broker `brokerId`: the next block of producer ids,
   * recorded durably in the metadata log before it is returned. @throws KafkaError KAFKA_STORAGE_ERROR.
   */
  allocateProducerIds(brokerId: number): ProducerIdsBlock
  /** Reports a cluster event. */
  event(e: ClusterEventInput): void
}

/** One broker: its replica manager, replica fetcher and producer ids. */
export class BrokerServer {
  /** The requests addressed to this broker. */
  readonly replicaManager: ReplicaManager
  /** This broker's follower side of replication. */
  readonly fetcher: ReplicaFetcher
  /** This broker's current block of producer ids (Kafka's ProducerIdManager per broker). */
  private readonly producerIds = new ProducerIdManager()

  /** Broker `brokerId` of the cluster `env` describes: its ReplicaManager and ReplicaFetcher, wired to the cluster. */
  constructor(
    readonly brokerId: number,
    private readonly env: BrokerServerEnv
  ) {
    const b = brokerId
    this.replicaManager = new ReplicaManager(b, {
      isRunning: () => env.injector.isRunning(b),
      metrics: env.metrics,
      partitionEnv: (topic, i) => this.partitionEnv(topic, i)
    })
    this.fetcher = new ReplicaFetcher(this.replicaManager, {
      isFetching: () => env.controller.registry.isFetching(b) && env.injector.isRunning(b),
      replicaManager: (id) => (env.injector.isRunning(id) && env.faults.canReach(b, id) ? env.replicaManager(id) : null),
      fetchDelayMs: (id) => env.faults.delayMs(b, id),
      clock: env.clock,
      leaderIncomplete: (p, why) => env.controller.replication.leaderIncomplete(p.topic, p.id, why)
    })
  }

  /** The env of this broker's Partition of `topic`-`i`. */
  private partitionEnv(topic: string, i: number): PartitionEnv {
    const { env, brokerId: b } = this
    const configOf = () => env.controller.replication.topic(topic)?.configs
    return {
      clock: env.clock,
      replicaLagTimeMaxMs: env.replicaLagTimeMaxMs,
      offlineRetryMs: env.offlineRetryMs,
      openLog: (create, recover) => {
        const cfg = configOf()
        return cfg ? env.store.open(b, topic, i, toLogConfig(cfg), create, { recover }) : null
      },
      logFailed: (error) => env.store.evict(b, topic, i, error),
      minInsyncReplicas: () => configOf()?.['min.insync.replicas'] ?? 1,
      event: (e) => env.event(e),
      alterIsr: (isr, why) => env.controller.replication.alterIsr(b, topic, i, isr, why),
      replicaOffline: () => env.controller.replication.replicaOffline(b, topic, i),
      replicaOnline: () => env.controller.replication.replicaOnline(b, topic, i),
      leaderCorrupt: (error) => env.controller.replication.leaderCorrupt(topic, i, b, error)
    }
  }

  /**
   * InitProducerId without a transactional id, answered by this broker (Kafka's
   * TransactionCoordinator.handleInitProducerId for a null transactional id): a new producer id
   * from the broker's block, epoch 0. A used-up block is replaced by the next one from the
   * controller (env.allocateProducerIds), recorded durably in the metadata log (ProducerIdsRecord)
   * before any id of it is handed out, so ids are never reused, also after a restart.
   * @throws KafkaError BROKER_NOT_AVAILABLE (stopped or killed broker), KAFKA_STORAGE_ERROR (the
   *   new block could not be written to the metadata log; no id of it is handed out).
   */
  initProducerId(): { producerId: number; producerEpoch: number } {
    if (!this.env.injector.isRunning(this.brokerId)) throw new KafkaError('BROKER_NOT_AVAILABLE', `Broker ${this.brokerId} is not running`)
    const producerId = this.producerIds.generateProducerId(() => this.env.allocateProducerIds(this.brokerId))
    return { producerId, producerEpoch: 0 }
  }
}
