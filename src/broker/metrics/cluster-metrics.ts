/**
 * ClusterMetrics: the rate meters of the engine, per scope (cluster, broker, topic, partition), each
 * with records in/s, bytes in/s and bytes out/s, after Kafka's BrokerTopicMetrics (MessagesInPerSec,
 * BytesInPerSec, BytesOutPerSec). Bytes in are counted on the leader that appended (as Kafka counts
 * produce traffic, replication excluded); bytes out on the leader that served a fetch.
 *
 * Must stay true: meters are created lazily and removed with their topic; recording touches exactly
 * the cluster, broker, topic and partition meters of one partition.
 */
import { RateMeter, type MetricPoint } from './rate-meter'

/** The three per-second series of one scope, last 5 minutes: records in, bytes in, bytes out. */
export interface RateSeries {
  recordsInPerSec: MetricPoint[]
  bytesInPerSec: MetricPoint[]
  bytesOutPerSec: MetricPoint[]
}

/** The three meters of one scope. */
export class ScopeMeters {
  readonly recordsIn: RateMeter
  readonly bytesIn: RateMeter
  readonly bytesOut: RateMeter
  constructor(clock: () => number) {
    this.recordsIn = new RateMeter(clock)
    this.bytesIn = new RateMeter(clock)
    this.bytesOut = new RateMeter(clock)
  }
  /** Series of the last 5 minutes (completed seconds, or up to now when `includeCurrent`). */
  series(includeCurrent = false): RateSeries {
    return {
      recordsInPerSec: this.recordsIn.series(includeCurrent),
      bytesInPerSec: this.bytesIn.series(includeCurrent),
      bytesOutPerSec: this.bytesOut.series(includeCurrent)
    }
  }
}

/** Rate meters of every scope of a cluster. */
export class ClusterMetrics {
  readonly cluster: ScopeMeters
  private readonly brokers = new Map<number, ScopeMeters>()
  private readonly topics = new Map<string, ScopeMeters>()
  private readonly partitions = new Map<string, ScopeMeters>()

  constructor(private readonly clock: () => number) {
    this.cluster = new ScopeMeters(clock)
  }

  /** A leader `brokerId` appended `records` records of `bytes` bytes to topic/partition. */
  recordAppend(brokerId: number, topic: string, partition: number, records: number, bytes: number): void {
    for (const s of this.scopes(brokerId, topic, partition)) {
      s.recordsIn.record(records)
      s.bytesIn.record(bytes)
    }
  }

  /** A leader `brokerId` served `bytes` bytes of topic/partition to a consumer fetch. */
  recordFetch(brokerId: number, topic: string, partition: number, bytes: number): void {
    for (const s of this.scopes(brokerId, topic, partition)) s.bytesOut.record(bytes)
  }

  broker(id: number): ScopeMeters {
    return getOrCreate(this.brokers, id, () => new ScopeMeters(this.clock))
  }
  topic(name: string): ScopeMeters {
    return getOrCreate(this.topics, name, () => new ScopeMeters(this.clock))
  }
  partition(topic: string, partition: number): ScopeMeters {
    return getOrCreate(this.partitions, `${topic}\u0000${partition}`, () => new ScopeMeters(this.clock))
  }

  /** Drop the meters of a deleted topic. */
  removeTopic(topic: string): void {
    this.topics.delete(topic)
    for (const key of [...this.partitions.keys()]) if (key.startsWith(`${topic}\u0000`)) this.partitions.delete(key)
  }

  private scopes(brokerId: number, topic: string, partition: number): ScopeMeters[] {
    return [this.cluster, this.broker(brokerId), this.topic(topic), this.partition(topic, partition)]
  }
}

function getOrCreate<K, V>(map: Map<K, V>, key: K, make: () => V): V {
  let v = map.get(key)
  if (v === undefined) {
    v = make()
    map.set(key, v)
  }
  return v
}
