/**
 * Typed engine errors carrying Kafka's error names (org.apache.kafka.common.protocol.Errors), so the
 * hosts and the UI can show them in words and the wire protocol can map them to error codes: the
 * table of names and codes, KafkaError and the storage layer's StorageError.
 *
 * Must stay true: part of the engine's Node-free model (no `node:` imports, no Buffer), so the
 * contract (src/shared) can import it; a name's code is Kafka's protocol error code.
 */

/** Kafka error names the engine raises, with their protocol error codes. */
export const KAFKA_ERROR_CODES = {
  UNKNOWN_SERVER_ERROR: -1,
  OFFSET_OUT_OF_RANGE: 1,
  CORRUPT_MESSAGE: 2,
  UNKNOWN_TOPIC_OR_PARTITION: 3,
  LEADER_NOT_AVAILABLE: 5,
  NOT_LEADER_OR_FOLLOWER: 6,
  REQUEST_TIMED_OUT: 7,
  BROKER_NOT_AVAILABLE: 8,
  RECORD_TOO_LARGE: 10,
  OFFSET_METADATA_TOO_LARGE: 12,
  COORDINATOR_LOAD_IN_PROGRESS: 14,
  COORDINATOR_NOT_AVAILABLE: 15,
  NOT_COORDINATOR: 16,
  INVALID_TOPIC_EXCEPTION: 17,
  RECORD_LIST_TOO_LARGE: 18,
  NOT_ENOUGH_REPLICAS: 19,
  NOT_ENOUGH_REPLICAS_AFTER_APPEND: 20,
  INVALID_REQUIRED_ACKS: 21,
  ILLEGAL_GENERATION: 22,
  INCONSISTENT_GROUP_PROTOCOL: 23,
  INVALID_GROUP_ID: 24,
  UNKNOWN_MEMBER_ID: 25,
  INVALID_SESSION_TIMEOUT: 26,
  REBALANCE_IN_PROGRESS: 27,
  INVALID_TIMESTAMP: 32,
  UNSUPPORTED_VERSION: 35,
  TOPIC_ALREADY_EXISTS: 36,
  INVALID_PARTITIONS: 37,
  INVALID_REPLICATION_FACTOR: 38,
  INVALID_REPLICA_ASSIGNMENT: 39,
  INVALID_REQUEST: 42,
  POLICY_VIOLATION: 44,
  OUT_OF_ORDER_SEQUENCE_NUMBER: 45,
  DUPLICATE_SEQUENCE_NUMBER: 46,
  INVALID_PRODUCER_EPOCH: 47,
  UNKNOWN_PRODUCER_ID: 59,
  INVALID_CONFIG: 40,
  KAFKA_STORAGE_ERROR: 56,
  NON_EMPTY_GROUP: 68,
  GROUP_ID_NOT_FOUND: 69,
  FETCH_SESSION_ID_NOT_FOUND: 70,
  FENCED_LEADER_EPOCH: 74,
  UNKNOWN_LEADER_EPOCH: 75,
  UNSUPPORTED_COMPRESSION_TYPE: 76,
  MEMBER_ID_REQUIRED: 79,
  PREFERRED_LEADER_NOT_AVAILABLE: 80,
  GROUP_MAX_SIZE_REACHED: 81,
  FENCED_INSTANCE_ID: 82,
  ELIGIBLE_LEADERS_NOT_AVAILABLE: 83,
  ELECTION_NOT_NEEDED: 84,
  GROUP_SUBSCRIBED_TO_TOPIC: 86,
  INVALID_RECORD: 87,
  UNKNOWN_TOPIC_ID: 100,
  MISMATCHED_ENDPOINT_TYPE: 114,
  UNSUPPORTED_ENDPOINT_TYPE: 115
} as const

export type KafkaErrorName = keyof typeof KAFKA_ERROR_CODES

/**
 * An error with Kafka's name for it. `code` is the Kafka error name (e.g. 'NOT_ENOUGH_REPLICAS');
 * `errorCode` its numeric protocol code; `message` says what was wrong and which rule applies.
 */
export class KafkaError extends Error {
  readonly code: KafkaErrorName
  constructor(code: KafkaErrorName, message: string) {
    super(message)
    this.name = 'KafkaError'
    this.code = code
  }
  get errorCode(): number {
    return KAFKA_ERROR_CODES[this.code]
  }
}

/**
 * A storage-layer failure naming the file (and offset or position where known): a corrupt batch,
 * a failed mmap, a short write. Code is KAFKA_STORAGE_ERROR or CORRUPT_MESSAGE.
 */
export class StorageError extends KafkaError {
  readonly file: string
  readonly position?: number
  constructor(code: 'KAFKA_STORAGE_ERROR' | 'CORRUPT_MESSAGE', file: string, message: string, position?: number) {
    super(code, `${message} (file ${file}${position !== undefined ? `, position ${position}` : ''})`)
    this.name = 'StorageError'
    this.file = file
    this.position = position
  }
}
