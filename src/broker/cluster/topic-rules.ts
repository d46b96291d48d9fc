/**
 * Topic creation rules, with Kafka's error names and messages: the partition count
 * (INVALID_PARTITIONS) and the replication factor (INVALID_REPLICATION_FACTOR); the topic name's
 * rule is the model's (../model/topic-name.ts, INVALID_TOPIC_EXCEPTION). Source:
 * kafka.zk.AdminZkClient / ReplicationControlManager.createTopic.
 *
 * Must stay true: checks run before any state changes, so a refused create leaves nothing behind.
 */
import { KafkaError } from '../model/errors'

/** Throws INVALID_PARTITIONS unless `partitions` is an integer >= 1. */
export function validatePartitionCount(partitions: number): void {
  if (!Number.isInteger(partitions) || partitions < 1)
    throw new KafkaError('INVALID_PARTITIONS', `Number of partitions must be larger than 0 (got ${partitions}).`)
}

/**
 * Throws INVALID_REPLICATION_FACTOR unless 1 <= `replicationFactor` <= `liveBrokers`, with Kafka's
 * message "Replication factor: 4 larger than available brokers: 3.".
 */
export function validateReplicationFactor(replicationFactor: number, liveBrokers: number): void {
  if (!Number.isInteger(replicationFactor) || replicationFactor < 1)
    throw new KafkaError('INVALID_REPLICATION_FACTOR', `Replication factor must be larger than 0 (got ${replicationFactor}).`)
  if (replicationFactor > liveBrokers)
    throw new KafkaError(
      'INVALID_REPLICATION_FACTOR',
      `Replication factor: ${replicationFactor} larger than available brokers: ${liveBrokers}.`
    )
}
