/**
 * MetadataChange: what one appended metadata record (or a run of them) changed, as a typed event,
 * for the cluster event stream (issue 9 section 4). MetadataLog.persist returns them in log order;
 * MetadataImage.replay makes them, so an event exists exactly when a record changed the image.
 *
 * Must stay true: every change names the metadata log offset of the (first) record it comes from,
 * and the topic by name as well as by id (names are what a user reads; ids survive a re-creation).
 */

/** Where a change comes from: the metadata log offset of its (first) record. */
interface ChangeAt {
  offset: number
}

/** A broker joined the cluster (RegisterBrokerRecord); `alive` false: it joined fenced (stopped). */
export interface BrokerRegisteredChange extends ChangeAt {
  kind: 'broker-registered'
  brokerId: number
  alive: boolean
}

/** A broker was fenced, i.e. stopped after its controlled shutdown (BrokerRegistrationChangeRecord Fenced 1). */
export interface BrokerStoppedChange extends ChangeAt {
  kind: 'broker-stopped'
  brokerId: number
}

/** A broker was unfenced, i.e. started again (BrokerRegistrationChangeRecord Fenced -1). */
export interface BrokerStartedChange extends ChangeAt {
  kind: 'broker-started'
  brokerId: number
}

/**
 * A topic was created (TopicRecord, with its PartitionRecords and ConfigRecords of the same
 * persist): partition count, replication factor (replicas of partition 0), config overrides (Kafka
 * names, values as text; keys at their default are absent).
 */
export interface TopicCreatedChange extends ChangeAt {
  kind: 'topic-created'
  topic: string
  topicId: string
  partitions: number
  replicationFactor: number
  configs: Record<string, string>
}

/** A topic was deleted with its partitions and configs (RemoveTopicRecord). */
export interface TopicDeletedChange extends ChangeAt {
  kind: 'topic-deleted'
  topic: string
  topicId: string
}

/** Partitions `from`..`to - 1` were added to an existing topic (PartitionRecords; Kafka's CreatePartitions). */
export interface PartitionsAddedChange extends ChangeAt {
  kind: 'partitions-added'
  topic: string
  topicId: string
  from: number
  to: number
}

/** Configs of an existing topic changed (ConfigRecords): value null = back to Kafka's default. */
export interface ConfigsChangedChange extends ChangeAt {
  kind: 'configs-changed'
  topic: string
  configs: { name: string; value: string | null }[]
}

/**
 * A partition has a new leader or leader epoch (PartitionChangeRecord with Leader): `leader` -1 means
 * the partition is offline; `previousLeader` the leader before.
 */
export interface LeaderElectedChange extends ChangeAt {
  kind: 'leader-elected'
  topic: string
  topicId: string
  partition: number
  leader: number
  previousLeader: number
  leaderEpoch: number
}

/** A partition's ISR changed (PartitionChangeRecord with Isr): who joined (expanded) and who left (shrunk). */
export interface IsrChangedChange extends ChangeAt {
  kind: 'isr-changed'
  topic: string
  topicId: string
  partition: number
  isr: number[]
  previousIsr: number[]
  added: number[]
  removed: number[]
}

/** A partition's replica assignment changed (PartitionChangeRecord with Replicas; a reassignment). */
export interface ReplicasChangedChange extends ChangeAt {
  kind: 'replicas-changed'
  topic: string
  topicId: string
  partition: number
  replicas: number[]
  previousReplicas: number[]
}

/** One change of the cluster metadata. */
export type MetadataChange =
  | BrokerRegisteredChange
  | BrokerStoppedChange
  | BrokerStartedChange
  | TopicCreatedChange
  | TopicDeletedChange
  | PartitionsAddedChange
  | ConfigsChangedChange
  | LeaderElectedChange
  | IsrChangedChange
  | ReplicasChangedChange
