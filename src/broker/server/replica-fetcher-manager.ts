/**
 * ReplicaFetcherManager: the replication rounds of all brokers (after Kafka's
 * ReplicaFetcherManager, which runs a broker's fetcher threads; here every broker's ReplicaFetcher
 * runs as a synchronous round on the engine's event loop). A round lets every fetching broker's
 * followers fetch from their leaders until they reached the leaders' log end offsets (ISRs expand,
 * high watermarks advance), then every follower learns the high watermark its leader has now (the
 * answer its next fetch would get). A partition's followers can also fetch at once, in the step that
 * appended to it (an offset commit, DeleteRecords, a preferred election catching a replica up).
 *
 * Must stay true: one broker's failing round never keeps the others from replicating (the first
 * failure is thrown after all ran); a follower learns a high watermark only from a running leader it
 * can reach (the faults) while its broker fetches.
 */
import type { PartitionLeaders } from '../cluster/partition-leaders'
import type { Controller } from '../controller/controller'
import type { BrokerFaults } from '../faults/broker-faults'
import type { BrokerServer } from './broker-server'

/** What the rounds need from their cluster. */
export interface ReplicaFetcherManagerEnv {
  /** Every broker of the cluster, by id. */
  brokers: ReadonlyMap<number, BrokerServer>
  /** The active controller (registrations, AlterPartition, replica states). */
  controller: Controller
  /** The faults between brokers (isolation, delays). */
  faults: BrokerFaults
  /** Where each partition is led. */
  leaders: PartitionLeaders
  /** Runs a replication round soon (the Scheduler). */
  scheduleReplication(): void
}

/** The replication rounds over every broker's fetcher. */
export class ReplicaFetcherManager {
  /** The rounds over the brokers in `env`. */
  constructor(private readonly env: ReplicaFetcherManagerEnv) {}

  /**
   * One replication round: every broker's fetcher round, then the followers learn their leaders'
   * high watermarks. Returns the records copied.
   * @throws the first error a broker's round threw, after every broker ran its round.
   */
  fetchRound(): number {
    let copied = 0
    let failure: unknown = null
    for (const broker of this.env.brokers.values()) {
      try {
        copied += broker.fetcher.fetchRound()
      } catch (e) {
        // One broker's failure must not stop the others from replicating.
        failure ??= e
      }
    }
    this.propagateHighWatermarks()
    if (failure) throw failure
    return copied
  }

  /** Followers learn their leaders' current high watermark (as the answer of their next fetch). */
  private propagateHighWatermarks(): void {
    for (const [b, broker] of this.env.brokers) {
      if (!this.env.controller.registry.isFetching(b)) continue
      for (const p of broker.replicaManager.allPartitions()) {
        if (p.isLeader || p.offline || !this.env.faults.canReach(b, p.registration.leader)) continue
        const leader = this.env.leaders.replicaManagerOf(p.topic, p.id)?.partition(p.topic, p.id)
        if (leader?.isLeader) p.updateFollowerHighWatermark(leader.highWatermark)
      }
    }
  }

  /** The followers of `topic`-`i` fetch now (an offset commit is replicated in its own step); a round follows soon. */
  fetchPartition(topic: string, i: number): void {
    const pm = this.env.controller.replication.topic(topic)?.partitions[i]
    if (!pm) return
    for (const b of pm.replicas) {
      if (b === pm.leader) continue
      const broker = this.env.brokers.get(b)
      const p = broker?.replicaManager.partition(topic, i)
      if (p) broker!.fetcher.fetchPartition(p)
    }
    this.env.scheduleReplication()
  }
}
