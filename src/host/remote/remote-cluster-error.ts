/**
 * RemoteClusterError: a failure of a request the CLI sent to a cluster over the Kafka wire
 * protocol, carrying Kafka's error name (from the response's error code, or NETWORK_EXCEPTION /
 * REQUEST_TIMED_OUT for the connection itself), so it crosses the contract as the in-process
 * engine's KafkaError does (a HostError: contract-error.ts keeps its code and message).
 *
 * Must stay true: the code is Kafka's error name (Errors.java) for a wire error code, or
 * KAFKA_ERROR_<n> for a code Kafka's table lacks; the message names what was asked and where.
 */
import { KAFKA_ERROR_CODES } from '../../broker/model/errors'
import { HostError } from '../host-error'

/** Kafka's names for the error codes the engine's table lacks but a broker may send (Errors.java). */
const MORE_ERROR_NAMES: Record<number, string> = {
  4: 'INVALID_FETCH_SIZE',
  9: 'REPLICA_NOT_AVAILABLE',
  13: 'NETWORK_EXCEPTION',
  25: 'UNKNOWN_MEMBER_ID',
  27: 'REBALANCE_IN_PROGRESS',
  41: 'NOT_CONTROLLER',
  42: 'INVALID_REQUEST'
}

/** Kafka's default messages (Errors.java) for the codes the CLI commonly meets, used when a response carries none. */
const DEFAULT_MESSAGES: Record<string, string> = {
  UNKNOWN_TOPIC_OR_PARTITION: 'This server does not host this topic-partition',
  LEADER_NOT_AVAILABLE: 'There is no leader for this topic-partition as we are in the middle of a leadership election',
  NOT_LEADER_OR_FOLLOWER: 'This server is not the leader for that topic-partition',
  OFFSET_OUT_OF_RANGE: 'The requested offset is not within the range of offsets maintained by the server',
  COORDINATOR_NOT_AVAILABLE: 'The coordinator is not available',
  NOT_COORDINATOR: 'This is not the correct coordinator',
  GROUP_ID_NOT_FOUND: 'The group id does not exist',
  NON_EMPTY_GROUP: 'The group is not empty',
  TOPIC_ALREADY_EXISTS: 'Topic already exists',
  INVALID_PARTITIONS: 'Number of partitions is below 1',
  INVALID_REPLICATION_FACTOR: 'Replication factor is below 1 or larger than the number of available brokers',
  NOT_ENOUGH_REPLICAS: 'Messages are rejected since there are fewer in-sync replicas than required',
  UNSUPPORTED_VERSION: 'The version of API is not supported'
}

const NAME_OF_CODE = new Map<number, string>(Object.entries(KAFKA_ERROR_CODES).map(([name, code]) => [code as number, name]))

/** Kafka's error name for a wire error code (e.g. 3 -> UNKNOWN_TOPIC_OR_PARTITION); KAFKA_ERROR_<n> when unknown. */
export function kafkaErrorName(code: number): string {
  return NAME_OF_CODE.get(code) ?? MORE_ERROR_NAMES[code] ?? `KAFKA_ERROR_${code}`
}

/** A wire request's failure with Kafka's error name; see the module comment. */
export class RemoteClusterError extends HostError {
  constructor(code: string, message: string) {
    super(code, message)
    this.name = 'RemoteClusterError'
  }

  /**
   * The error for error code `errorCode` in a response: its Kafka name, the broker's message when it
   * sent one, else Kafka's default message, followed by `context` (what was asked, e.g. "topic t").
   */
  static fromCode(errorCode: number, brokerMessage: string | null | undefined, context: string): RemoteClusterError {
    const name = kafkaErrorName(errorCode)
    const base = brokerMessage || DEFAULT_MESSAGES[name] || name
    return new RemoteClusterError(name, context ? `${base}: ${context}` : base)
  }
}
