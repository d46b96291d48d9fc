/**
 * Topic creation rules, with Kafka's error names and messages: the topic name
 * (../../shared/topic-name.ts, INVALID_TOPIC_EXCEPTION), the partition count (INVALID_PARTITIONS)
 * and the replication factor (INVALID_REPLICATION_FACTOR). Source: kafka.zk.AdminZkClient /
 * ReplicationControlManager.createTopic.
 *
 * Must stay true: checks run before any state changes, so a refused create leaves nothing behind.
 */
import { KafkaError } from '../errors'
import { topicNameProblem } from '../../shared/topic-name'

/** Throws INVALID_TOPIC_EXCEPTION when `name` breaks Kafka's topic name rule. */
export function validateTopicName(name: string): void {
  if (typeof name !== 'string') throw new KafkaError('INVALID_TOPIC_EXCEPTION', 'Topic name must be a string')
  const problem = topicNameProblem(name)
  if (problem) throw new KafkaError('INVALID_TOPIC_EXCEPTION', problem)
}

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
