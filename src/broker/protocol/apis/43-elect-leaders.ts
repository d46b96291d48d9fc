/**
 * ElectLeaders (key 43), versions 0-2 (KIP-460): PREFERRED (0; the only type of v0) moves a
 * partition's leadership to its preferred (first) replica when that replica runs, is in the ISR and
 * holds everything the leader has (Cluster.electPreferredLeaders); per partition ELECTION_NOT_NEEDED
 * when it already leads, PREFERRED_LEADER_NOT_AVAILABLE otherwise, UNKNOWN_TOPIC_OR_PARTITION for an
 * unknown one, each with a message. UNCLEAN (1): a partition with a leader answers
 * ELECTION_NOT_NEEDED, as Kafka does; a leaderless one is elected from its live ISR members, else
 * from a live replica outside the ISR whatever unclean.leader.election.enable says (KIP-460; the
 * records lost are reported in a records-lost event), else ELIGIBLE_LEADERS_NOT_AVAILABLE. A null partition list means every
 * partition, and then, as Kafka's ReplicationControlManager.electLeaders does, only partitions whose
 * election was needed are listed. Another election type is an INVALID_REQUEST (v1+ top-level error).
 *
 * Must stay true: one partition's failure never stops the others.
 */
import { API_VERSION_RANGES } from '../api-version-ranges'
import type { ApiHandler } from '../api-handler'
import type { AdminFacade } from '../admin-facade'
import { apiErrorOf } from '../api-error'
import { KAFKA_ERROR_CODES } from '../../model/errors'
import type { MessageInput } from '../message-codec-support'
import type { ElectLeadersRequest } from '../messages/elect-leaders-request'
import type { ElectLeadersResponse, ElectLeadersResponsePartitionResult } from '../messages/elect-leaders-response'

/** The versions this handler serves (api-version-ranges.ts). */
export const apiVersions = { min: API_VERSION_RANGES.ElectLeaders.min, max: API_VERSION_RANGES.ElectLeaders.max }

/** Kafka's ElectionType codes. */
export const ELECTION_TYPE = { PREFERRED: 0, UNCLEAN: 1 } as const

/** The ElectLeaders handler over `facade`. */
export function electLeadersHandler(facade: AdminFacade): ApiHandler<ElectLeadersRequest, ElectLeadersResponse> {
  return {
    apiKey: API_VERSION_RANGES.ElectLeaders.apiKey,
    apiVersions,
    handle(req, ctx): MessageInput<ElectLeadersResponse> {
      const type = ctx.header.apiVersion >= 1 ? req.electionType : ELECTION_TYPE.PREFERRED
      if (type !== ELECTION_TYPE.PREFERRED && type !== ELECTION_TYPE.UNCLEAN) {
        return { throttleTimeMs: 0, errorCode: KAFKA_ERROR_CODES.INVALID_REQUEST, replicaElectionResults: [] }
      }
      const all = req.topicPartitions === null
      const asked = all
        ? facade.topicPartitions().map((t) => ({ topic: t.topic, partitions: Array.from({ length: t.partitions }, (_, i) => i) }))
        : req.topicPartitions!
      const replicaElectionResults = asked
        .map((t) => ({
          topic: t.topic,
          partitionResult: t.partitions
            .map((p): MessageInput<ElectLeadersResponsePartitionResult> => {
              try {
                if (type === ELECTION_TYPE.PREFERRED) facade.electPreferredLeader(t.topic, p)
                else facade.electUncleanLeader(t.topic, p)
                return { partitionId: p, errorCode: 0, errorMessage: null }
              } catch (e) {
                return { partitionId: p, ...apiErrorOf(e) }
              }
            })
            .filter((r) => !all || r.errorCode !== KAFKA_ERROR_CODES.ELECTION_NOT_NEEDED)
        }))
        .filter((t) => !all || t.partitionResult.length > 0)
      return { throttleTimeMs: 0, errorCode: 0, replicaElectionResults }
    },
    errorResponse(req, errorCode, ctx): MessageInput<ElectLeadersResponse> {
      return {
        errorCode: ctx.header.apiVersion >= 1 ? errorCode : 0,
        replicaElectionResults: (req.topicPartitions ?? []).map((t) => ({ topic: t.topic, partitionResult: t.partitions.map((p) => ({ partitionId: p, errorCode })) }))
      }
    }
  }
}
