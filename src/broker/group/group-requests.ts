/**
 * The shapes of the group coordinator's requests and responses, after Kafka's message specs
 * (../shared/kafka-protocol/messages/JoinGroupRequest.json, SyncGroupRequest.json, ...) with their
 * fields in camelCase, so the wire APIs (src/broker/protocol/apis/) are thin adapters: they decode a
 * request of any version into these shapes (absent fields at their spec defaults) and encode the
 * answer. `errorCode` is Kafka's numeric protocol error code (0 = none; names in ../model/errors.ts).
 *
 * Must stay true: nothing here depends on a wire version; version-dependent behaviour is asked
 * for through GroupRequestContext (e.g. `apiVersion` for KIP-394's MEMBER_ID_REQUIRED).
 */

/** Who sent a request, as the wire layer knows it. */
export interface GroupRequestContext {
  /**
   * The broker the request was addressed to; requests to a broker that is not the group's
   * coordinator get NOT_COORDINATOR. Absent: an in-process caller (host, CLI, tests) addressed to
   * whichever broker coordinates the group.
   */
  brokerId?: number
  /** The request header's client.id (default ''). */
  clientId?: string
  /** The client's address as Kafka shows it, e.g. '/127.0.0.1' (default ''). */
  clientHost?: string
  /** The request's API version (default: the newest), where behaviour depends on it. */
  apiVersion?: number
}

/** One protocol a member supports (a consumer's assignor with its subscription metadata). */
export interface JoinGroupRequestProtocol {
  name: string
  metadata: Buffer
}

/** JoinGroupRequest (API key 11). Timeouts in ms. */
export interface JoinGroupRequest {
  groupId: string
  sessionTimeoutMs: number
  /** -1 (versions 0) = the session timeout. */
  rebalanceTimeoutMs: number
  /** '' for a member joining for the first time. */
  memberId: string
  /** KIP-345 static membership (group.instance.id), null for a dynamic member. */
  groupInstanceId: string | null
  protocolType: string
  protocols: JoinGroupRequestProtocol[]
  reason?: string | null
}

/** One member as the leader's JoinGroup response lists it. */
export interface JoinGroupResponseMember {
  memberId: string
  groupInstanceId: string | null
  metadata: Buffer
}

/** JoinGroupResponse. `members` is filled for the leader only. */
export interface JoinGroupResponse {
  errorCode: number
  generationId: number
  protocolType: string | null
  protocolName: string | null
  leader: string
  skipAssignment: boolean
  memberId: string
  members: JoinGroupResponseMember[]
}

/** SyncGroupRequest (API key 14). `assignments` is the leader's; followers send none. */
export interface SyncGroupRequest {
  groupId: string
  generationId: number
  memberId: string
  groupInstanceId: string | null
  /** v5+: checked against the group's when given. */
  protocolType?: string | null
  protocolName?: string | null
  assignments: { memberId: string; assignment: Buffer }[]
}

/** SyncGroupResponse. */
export interface SyncGroupResponse {
  errorCode: number
  protocolType: string | null
  protocolName: string | null
  assignment: Buffer
}

/** HeartbeatRequest (API key 12). */
export interface HeartbeatRequest {
  groupId: string
  generationId: number
  memberId: string
  groupInstanceId: string | null
}

/** HeartbeatResponse. */
export interface HeartbeatResponse {
  errorCode: number
}

/** LeaveGroupRequest (API key 13); versions 0-2 send one member id: the adapter makes it `members: [{ memberId, groupInstanceId: null }]`. */
export interface LeaveGroupRequest {
  groupId: string
  members: { memberId: string; groupInstanceId: string | null; reason?: string | null }[]
}

/** LeaveGroupResponse; versions 0-2 answer the single member's error as the top-level one. */
export interface LeaveGroupResponse {
  errorCode: number
  members: { memberId: string; groupInstanceId: string | null; errorCode: number }[]
}

/** OffsetCommitRequest (API key 8). generation -1 with member '' is a "simple" (admin) commit. */
export interface OffsetCommitRequest {
  groupId: string
  generationIdOrMemberEpoch: number
  memberId: string
  groupInstanceId: string | null
  topics: {
    name: string
    partitions: { partitionIndex: number; committedOffset: number; committedLeaderEpoch?: number; committedMetadata?: string | null }[]
  }[]
}

/** OffsetCommitResponse: an error per partition. */
export interface OffsetCommitResponse {
  topics: { name: string; partitions: { partitionIndex: number; errorCode: number }[] }[]
}

/** OffsetFetchRequest (API key 9) for one group (v8+ batches are one call per group); topics null = all. */
export interface OffsetFetchRequest {
  groupId: string
  topics: { name: string; partitionIndexes: number[] }[] | null
  requireStable?: boolean
}

/** OffsetFetchResponse for one group: -1 offsets for partitions without a committed offset. */
export interface OffsetFetchResponse {
  errorCode: number
  topics: {
    name: string
    partitions: { partitionIndex: number; committedOffset: number; committedLeaderEpoch: number; metadata: string | null; errorCode: number }[]
  }[]
}

/** ListGroupsRequest (API key 16): v4+ states filter, v5+ types filter; empty = all. */
export interface ListGroupsRequest {
  statesFilter?: string[]
  typesFilter?: string[]
}

/** ListGroupsResponse. `groupType` is 'classic' for every group here. */
export interface ListGroupsResponse {
  errorCode: number
  groups: { groupId: string; protocolType: string; groupState: string; groupType: string }[]
}

/** One member of DescribeGroups. Metadata and assignment are empty unless the group is Stable (Kafka's describeNoMetadata). */
export interface DescribedGroupMember {
  memberId: string
  groupInstanceId: string | null
  clientId: string
  clientHost: string
  memberMetadata: Buffer
  memberAssignment: Buffer
}

/** One group of DescribeGroupsResponse; an unknown group is 'Dead' with no error, as Kafka answers v0-v5. */
export interface DescribedGroup {
  errorCode: number
  groupId: string
  groupState: string
  protocolType: string
  /** The chosen protocol (the assignor) when Stable, else ''. */
  protocolData: string
  members: DescribedGroupMember[]
}

/** DeleteGroupsResponse: an error per group. */
export interface DeleteGroupsResponse {
  results: { groupId: string; errorCode: number }[]
}

/** OffsetDeleteRequest (API key 47). */
export interface OffsetDeleteRequest {
  groupId: string
  topics: { name: string; partitions: { partitionIndex: number }[] }[]
}

/** OffsetDeleteResponse: a top-level error, then one per partition. */
export interface OffsetDeleteResponse {
  errorCode: number
  topics: { name: string; partitions: { partitionIndex: number; errorCode: number }[] }[]
}

/** FindCoordinatorResponse for one group key: the coordinator's broker id (-1 with an error). */
export interface FindCoordinatorResult {
  errorCode: number
  nodeId: number
}
