/**
 * The version ranges the broker intends to advertise in ApiVersions for every API of issue 10's
 * list, in one table: from the oldest version Kafka 4.0 still serves (KIP-896, "Remove old client
 * protocol API versions in Kafka 4.0") up to the newest version in the message specs this project
 * generates its codecs from (../shared/kafka-protocol/messages, Kafka 3.9's), which covers the
 * newest versions kafkajs 2.2.4, librdkafka 2.0.2 and kafka-python 2.0.2 send.
 *
 * Must stay true: every range lies within the spec's validVersions (a test checks it); only APIs
 * with a registered handler are advertised (KafkaApis builds ApiVersions from its handlers, whose
 * `apiVersions` come from here); a handler that does not yet support a version's fields lowers its
 * own max, never this table's min. The table looks like a real Kafka release's, since kafka-python
 * 2.0.2 guesses the broker release from it (it probes e.g. Produce v8 -> 2.4, Fetch v11 -> 2.3).
 */

/** One API's advertised range; `servedFrom` > min: versions below it are answered UNSUPPORTED_VERSION. */
export interface ApiVersionRange {
  apiKey: number
  min: number
  max: number
  servedFrom?: number
}

/** Kafka's API names (ApiKeys) of issue 10's list, with their ranges; comments say where each number comes from. */
export const API_VERSION_RANGES = {
  // Produce: Kafka 4.0 serves 3-12 but advertises 0 (KAFKA-18659: librdkafka enables gzip, snappy and
  // lz4 only when the advertised range reaches v0) and answers v0-v2 with UNSUPPORTED_VERSION; 11 = specs' max.
  Produce: { apiKey: 0, min: 0, max: 11, servedFrom: 3 },
  // Fetch: KIP-896 removed v0-v3 (Kafka 4.0 serves 4-17); 17 = specs' max (KIP-903 ReplicaState, KIP-1005).
  Fetch: { apiKey: 1, min: 4, max: 17 },
  // ListOffsets: KIP-896 removed v0; 10 = specs' max (max timestamp from v7, KIP-734).
  ListOffsets: { apiKey: 2, min: 1, max: 10 },
  // Metadata: Kafka 4.0 still serves v0 (v0-v3 deprecated, not removed); 12 = specs' max (topic ids from v10, KIP-516).
  Metadata: { apiKey: 3, min: 0, max: 12 },
  // OffsetCommit: KIP-896 removed v0-v1; 9 = specs' max.
  OffsetCommit: { apiKey: 8, min: 2, max: 9 },
  // OffsetFetch: KIP-896 removed v0; 9 = specs' max.
  OffsetFetch: { apiKey: 9, min: 1, max: 9 },
  // FindCoordinator: KIP-896 removed v0 from Kafka 4.0, but kafka-python 2.0.2 (Debian's python3-kafka) looks up
  // every group coordinator with v0 only (GroupCoordinatorRequest[0], in its consumer and its admin), so v0 is kept
  // and served, as Produce's v0 is kept for librdkafka; 6 = specs' max (batched lookups from v4, KIP-699).
  FindCoordinator: { apiKey: 10, min: 0, max: 6 },
  // JoinGroup: KIP-896 removed v0-v1; 9 = specs' max.
  JoinGroup: { apiKey: 11, min: 2, max: 9 },
  // Heartbeat: all versions kept; 4 = specs' max.
  Heartbeat: { apiKey: 12, min: 0, max: 4 },
  // LeaveGroup: all versions kept; 5 = specs' max (batch leave from v3, KIP-345).
  LeaveGroup: { apiKey: 13, min: 0, max: 5 },
  // SyncGroup: all versions kept; 5 = specs' max.
  SyncGroup: { apiKey: 14, min: 0, max: 5 },
  // DescribeGroups: all versions kept; 5 = specs' max.
  DescribeGroups: { apiKey: 15, min: 0, max: 5 },
  // ListGroups: all versions kept; 5 = specs' max (state filter v4, KIP-518; type filter v5, KIP-848).
  ListGroups: { apiKey: 16, min: 0, max: 5 },
  // ApiVersions: all versions kept; 4 = specs' max (client software name and version from v3, KIP-511).
  ApiVersions: { apiKey: 18, min: 0, max: 4 },
  // CreateTopics: KIP-896 removed v0-v1; 7 = specs' max.
  CreateTopics: { apiKey: 19, min: 2, max: 7 },
  // DeleteTopics: KIP-896 removed v0; 6 = specs' max.
  DeleteTopics: { apiKey: 20, min: 1, max: 6 },
  // DeleteRecords: all versions kept; 2 = specs' max.
  DeleteRecords: { apiKey: 21, min: 0, max: 2 },
  // InitProducerId: all versions kept; 5 = specs' max.
  InitProducerId: { apiKey: 22, min: 0, max: 5 },
  // OffsetForLeaderEpoch: KIP-896 removed v0-v1; 4 = specs' max.
  OffsetForLeaderEpoch: { apiKey: 23, min: 2, max: 4 },
  // DescribeConfigs: KIP-896 removed v0; 4 = specs' max.
  DescribeConfigs: { apiKey: 32, min: 1, max: 4 },
  // AlterConfigs: all versions kept; 2 = specs' max.
  AlterConfigs: { apiKey: 33, min: 0, max: 2 },
  // DescribeLogDirs: KIP-896 removed v0; 4 = specs' max.
  DescribeLogDirs: { apiKey: 35, min: 1, max: 4 },
  // CreatePartitions: all versions kept; 3 = specs' max.
  CreatePartitions: { apiKey: 37, min: 0, max: 3 },
  // DeleteGroups: KIP-896 removed v0; 2 = specs' max.
  DeleteGroups: { apiKey: 42, min: 1, max: 2 },
  // ElectLeaders: all versions kept; 2 = specs' max.
  ElectLeaders: { apiKey: 43, min: 0, max: 2 },
  // IncrementalAlterConfigs: all versions kept; 1 = specs' max.
  IncrementalAlterConfigs: { apiKey: 44, min: 0, max: 1 },
  // OffsetDelete: one version.
  OffsetDelete: { apiKey: 47, min: 0, max: 0 },
  // DescribeCluster: all versions kept; 1 = specs' max.
  DescribeCluster: { apiKey: 60, min: 0, max: 1 }
} as const satisfies Record<string, ApiVersionRange>

/** An API name of the table. */
export type RangedApiName = keyof typeof API_VERSION_RANGES
