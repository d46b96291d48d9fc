/**
 * BrokerFacade: what the wire protocol's handlers need from the engine, addressed to one broker.
 * protocol/ never touches storage/ or the controller directly (../../../shared/design.md): the lead
 * wires an implementation over the Cluster; tests use a stand-in.
 *
 * This slice covers Metadata (KafkaApis.handleTopicMetadataRequest): the live brokers with the
 * addresses their listeners actually bound, the controller id (a real broker id), and every topic
 * with its topic id (KIP-516) and partitions (leader, leader epoch, replicas, ISR, offline replicas).
 *
 * Must stay true: topic ids are stable for a topic's lifetime and never the zero uuid; they are
 * Kafka's Uuid.toString form (22 base64url characters). Proposed source: the controller assigns
 * one when it creates a topic and persists it with the topic in the metadata log (Kafka's
 * TopicRecord.TopicId), so it survives restarts; until then a stand-in keeps a map of its own.
 */

/** A broker as Metadata lists it (MetadataResponseBroker). */
export interface FacadeBroker {
  nodeId: number
  /** The host its listener bound (e.g. "127.0.0.1"). */
  host: string
  /** The port its listener bound. */
  port: number
  rack: string | null
}

/** A partition as Metadata describes it (MetadataResponsePartition). */
export interface FacadePartition {
  partitionIndex: number
  /** The leader's broker id, or -1 when there is none (answered LEADER_NOT_AVAILABLE). */
  leaderId: number
  leaderEpoch: number
  /** Every assigned replica, in assignment order. */
  replicaNodes: number[]
  /** The in-sync replicas. */
  isrNodes: number[]
  /** Replicas whose log is offline (KAFKA_STORAGE_ERROR, KIP-112). */
  offlineReplicas: number[]
}

/** A topic as Metadata describes it. */
export interface FacadeTopic {
  name: string
  /** KIP-516 topic id: 22 base64url characters, never the zero uuid. */
  topicId: string
  /** Internal topics (__consumer_offsets). */
  isInternal: boolean
  partitions: FacadePartition[]
}

/** The engine, as one broker's protocol handlers see it. */
export interface BrokerFacade {
  /** The broker this facade answers for. */
  readonly brokerId: number
  /** The cluster id (MetadataResponse.ClusterId, v2+). */
  clusterId(): string
  /** The brokers whose listeners are up, with the addresses actually bound, ordered by id. */
  liveBrokers(): FacadeBroker[]
  /** A real broker id clients may treat as the controller (MetadataResponse.ControllerId). */
  controllerId(): number
  /** Every topic, ordered by name. */
  topics(): FacadeTopic[]
  /** The topic named `name`, or undefined. */
  topic(name: string): FacadeTopic | undefined
  /** The topic whose id is `topicId`, or undefined. */
  topicById(topicId: string): FacadeTopic | undefined
}
