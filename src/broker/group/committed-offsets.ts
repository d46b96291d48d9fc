/**
 * CommittedOffsets: the group coordinator's in-memory view of committed offsets, rebuilt by replaying
 * `__consumer_offsets` and kept current by each commit (Kafka's GroupMetadataManager offset cache).
 * Also the placement rule of groups on the offsets topic's partitions.
 *
 * Must stay true: the cache equals the last-wins replay of every record written to the offsets
 * topic (a tombstone removes the entry); a group with no offsets left is not listed.
 */
import { decodeOffsetCommitKey, decodeOffsetCommitValue, type OffsetCommitValue } from './offset-commit-schema'

/** Kafka's internal offsets topic. */
export const OFFSETS_TOPIC = '__consumer_offsets'
/** Kafka's offsets.topic.num.partitions default. */
export const OFFSETS_TOPIC_PARTITIONS = 50
/** Kafka's offsets.topic.replication.factor default (capped at the brokers available). */
export const OFFSETS_TOPIC_REPLICATION_FACTOR = 3

/** Java's String.hashCode over UTF-16 code units, as a signed 32-bit int. */
export function javaStringHashCode(s: string): number {
  let h = 0
  for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0
  return h
}

/**
 * The offsets topic partition of a group: Kafka's `Utils.abs(groupId.hashCode) % offsets.topic.num.partitions`.
 * Utils.abs maps Integer.MIN_VALUE to 0.
 */
export function offsetsPartitionFor(groupId: string, partitions = OFFSETS_TOPIC_PARTITIONS): number {
  const h = javaStringHashCode(groupId)
  const abs = h === -2147483648 ? 0 : Math.abs(h)
  return abs % partitions
}

/** Committed offsets of every group: group -> topic -> partition -> value. */
export class CommittedOffsets {
  private readonly groups = new Map<string, Map<string, Map<number, OffsetCommitValue>>>()

  /** Apply a committed value (or a deletion when value is null). */
  put(group: string, topic: string, partition: number, value: OffsetCommitValue | null): void {
    let topics = this.groups.get(group)
    if (value === null) {
      const parts = topics?.get(topic)
      if (!parts) return
      parts.delete(partition)
      if (parts.size === 0) topics!.delete(topic)
      if (topics!.size === 0) this.groups.delete(group)
      return
    }
    if (!topics) this.groups.set(group, (topics = new Map()))
    let parts = topics.get(topic)
    if (!parts) topics.set(topic, (parts = new Map()))
    parts.set(partition, value)
  }

  /** Replay one record of the offsets topic (key/value bytes as stored); ignores records it does not understand. */
  replay(key: Buffer | null, value: Buffer | null): void {
    if (!key) return
    const k = decodeOffsetCommitKey(key)
    if (!k) return
    const v = value === null ? null : decodeOffsetCommitValue(value)
    if (value !== null && v === null) return
    this.put(k.group, k.topic, k.partition, v)
  }

  /** Committed offsets of a group: topic -> partition -> offset (empty when the group is unknown). */
  offsetsOf(group: string): Map<string, Map<number, number>> {
    const out = new Map<string, Map<number, number>>()
    for (const [topic, parts] of this.groups.get(group) ?? []) {
      out.set(topic, new Map([...parts].map(([p, v]) => [p, v.offset])))
    }
    return out
  }

  /** Every committed value of a group: topic -> partition -> value (empty when none). */
  entriesOf(group: string): Map<string, Map<number, OffsetCommitValue>> {
    return new Map([...(this.groups.get(group) ?? [])].map(([t, parts]) => [t, new Map(parts)]))
  }

  /** Whether the group has at least one committed offset. */
  hasGroup(group: string): boolean {
    return this.groups.has(group)
  }

  /** Group ids with at least one committed offset, sorted. */
  groupIds(): string[] {
    return [...this.groups.keys()].sort()
  }

  /** Every (group, partition) entry committed for `topic` (to delete them with the topic). */
  entriesForTopic(topic: string): { group: string; partition: number }[] {
    const out: { group: string; partition: number }[] = []
    for (const [group, topics] of this.groups) for (const p of topics.get(topic)?.keys() ?? []) out.push({ group, partition: p })
    return out
  }
}
