/**
 * Explains where a produced record landed, in the words of Kafka's default partitioner
 * (org.apache.kafka.clients.producer.internals.BuiltInPartitioner):
 * keyed records: murmur2(keyBytes) -> toPositive (& 0x7fffffff) -> % numPartitions;
 * explicit partition: used as given; null key: sticky partitioner (KIP-480) or round-robin.
 * Must stay true: pure; the arithmetic shown is the reason's own numbers, never recomputed.
 */
import type { PartitionReason } from '../../../shared/contract'

/**
 * One line, e.g. `key "DFW" → murmur2 = -1234 → positive 2147482414 → 2147482414 % 6 = 2`.
 * @param reason the ack's reason
 * @param key the record key as sent (UTF-8 text), or null
 * @param partition the partition the record landed in
 */
export function explainPartition(reason: PartitionReason, key: string | null, partition: number): string {
  switch (reason.kind) {
    case 'explicit':
      return `explicit partition ${partition} (partitioner not used)`
    case 'key':
      return `key ${JSON.stringify(key ?? '')} → murmur2 = ${reason.murmur2} → positive ${reason.positive} → ${reason.positive} % ${reason.partitions} = ${partition}`
    case 'no-key':
      return reason.strategy === 'sticky'
        ? `null key → sticky partitioner (KIP-480) → partition ${partition}`
        : `null key → round-robin → partition ${partition}`
  }
}

/** Replaces every `{{i}}` in a template with i (as the host does for `count`). Null stays null. */
export function applyTemplate(template: string | null, i: number): string | null {
  return template === null ? null : template.replaceAll('{{i}}', String(i))
}
