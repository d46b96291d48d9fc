/**
 * Kafka's RangeAssignor (org.apache.kafka.clients.consumer.RangeAssignor, protocol name "range"),
 * the assignment the CLI's group member computes when the coordinator makes it the group's leader:
 * per topic, the partitions in numeric order are cut into consecutive ranges, one per member
 * subscribed to the topic, members sorted by member id; with P partitions and M members each gets
 * floor(P / M) and the first P % M members one more. (Kafka orders static members, KIP-345, by
 * group.instance.id ahead of dynamic ones; ids here are member ids only, so a group of static
 * members may be cut in another order than Kafka would.)
 *
 * Must stay true: every partition of every subscribed topic that has metadata goes to exactly one
 * member subscribed to it; a member subscribed to nothing that exists gets an empty assignment (it
 * is still in the result); topics without metadata (unknown to the cluster) are skipped, as Kafka
 * skips them; the result does not depend on the order of the inputs.
 */

/** The name of this assignor's protocol in JoinGroup / SyncGroup (RangeAssignor.RANGE_ASSIGNOR_NAME). */
export const RANGE_ASSIGNOR_NAME = 'range'

/** A member's assignment: topic -> its partitions, ascending. */
export type MemberAssignment = Map<string, number[]>

/**
 * The range assignment of `subscriptions` (member id -> subscribed topics) over the topics'
 * partition counts (`partitionsPerTopic`: topic -> number of partitions, partitions 0..n-1).
 * @returns member id -> topic -> partitions (ascending); every member of `subscriptions` appears, with
 *   only the topics it got partitions of.
 * @throws RangeError for a partition count that is not a non-negative integer.
 */
export function rangeAssign(subscriptions: ReadonlyMap<string, readonly string[]>, partitionsPerTopic: ReadonlyMap<string, number>): Map<string, MemberAssignment> {
  const out = new Map<string, MemberAssignment>()
  const members = [...subscriptions.keys()].sort(compareIds)
  for (const m of members) out.set(m, new Map())
  const topics = [...new Set([...subscriptions.values()].flat())].sort(compareIds)
  for (const topic of topics) {
    const count = partitionsPerTopic.get(topic)
    if (count === undefined) continue
    if (!Number.isInteger(count) || count < 0) throw new RangeError(`Topic ${topic} has ${count} partitions; a partition count is a non-negative integer`)
    const consumers = members.filter((m) => subscriptions.get(m)!.includes(topic))
    const per = Math.floor(count / consumers.length)
    const extra = count % consumers.length
    consumers.forEach((m, i) => {
      const start = per * i + Math.min(i, extra)
      const length = per + (i < extra ? 1 : 0)
      if (length > 0) out.get(m)!.set(topic, Array.from({ length }, (_, k) => start + k))
    })
  }
  return out
}

/** Orders ids as Java's String.compareTo does for the ASCII ids Kafka generates (UTF-16 code units). */
function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}
