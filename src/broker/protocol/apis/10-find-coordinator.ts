/**
 * FindCoordinator (key 10), versions 0-6 (v0 kept for kafka-python 2.0.2, see api-version-ranges.ts): the broker coordinating a group (the leader of the
 * group's __consumer_offsets partition, the topic created on first use), with the host and port its
 * listener bound, taken from the same source as Metadata's brokers (BrokerFacade.liveBrokers), as
 * Kafka's KafkaApis.handleFindCoordinatorRequest answers. v0-3 ask for one key (`key`), v4+ for a
 * batch (`coordinatorKeys`, KIP-699), answered one result per key in order.
 *
 * Key types: 0 GROUP is served. 1 TRANSACTION is answered COORDINATOR_NOT_AVAILABLE with a message
 * saying transactions are not served: this broker has no transaction coordinator (transactions are
 * not advertised), and a retriable "not available" is what a Kafka client sees while a coordinator
 * cannot be found, so a transactional producer fails with Kafka's own timeout instead of a
 * protocol error. Any other key type (2 SHARE, unknown) is INVALID_REQUEST, as Kafka answers an
 * unknown coordinator type.
 *
 * Must stay true: a coordinator whose listener is not up (not among the live brokers) is answered
 * COORDINATOR_NOT_AVAILABLE with node -1, host '' and port -1 (Kafka's answer when the node has no
 * endpoint for the listener), never an address nobody listens on.
 */
import { API_VERSION_RANGES } from '../api-version-ranges'
import type { ApiHandler } from '../api-handler'
import type { BrokerFacade } from '../broker-facade'
import type { GroupFacade } from '../group-facade'
import { KAFKA_ERROR_CODES } from '../../model/errors'
import type { MessageInput } from '../message-codec-support'
import type { FindCoordinatorRequest } from '../messages/find-coordinator-request'
import type { FindCoordinatorResponse, FindCoordinatorResponseCoordinator } from '../messages/find-coordinator-response'

/** The versions this handler serves (api-version-ranges.ts). */
export const apiVersions = { min: API_VERSION_RANGES.FindCoordinator.min, max: API_VERSION_RANGES.FindCoordinator.max }

/** FindCoordinatorRequest.KeyType values (Kafka's CoordinatorType). */
export const COORDINATOR_TYPE = { GROUP: 0, TRANSACTION: 1, SHARE: 2 } as const

const E = KAFKA_ERROR_CODES

/** One key's answer (the v4+ shape; v0-3 carry it at the top level). */
type Result = Omit<FindCoordinatorResponseCoordinator, 'key'>

/** The FindCoordinator handler: coordinators from `groups`, their addresses from `brokers`. */
export function findCoordinatorHandler(groups: GroupFacade, brokers: BrokerFacade): ApiHandler<FindCoordinatorRequest, FindCoordinatorResponse> {
  const failed = (errorCode: number, errorMessage: string | null = null): Result => ({ errorCode, errorMessage, nodeId: -1, host: '', port: -1 })

  const find = (keyType: number, key: string): Result => {
    if (keyType === COORDINATOR_TYPE.TRANSACTION) {
      return failed(E.COORDINATOR_NOT_AVAILABLE, `Transactions are not served by this broker: there is no transaction coordinator for transactional id '${key}'`)
    }
    if (keyType !== COORDINATOR_TYPE.GROUP) return failed(E.INVALID_REQUEST, `Unknown coordinator key type ${keyType} (0 = GROUP, 1 = TRANSACTION)`)
    const r = groups.findGroupCoordinator(key)
    if (r.errorCode !== 0) return failed(r.errorCode)
    const b = brokers.liveBrokers().find((x) => x.nodeId === r.nodeId)
    if (!b) return failed(E.COORDINATOR_NOT_AVAILABLE, `The coordinator of group '${key}' (broker ${r.nodeId}) has no listener up`)
    return { errorCode: 0, errorMessage: null, nodeId: b.nodeId, host: b.host, port: b.port }
  }

  return {
    apiKey: API_VERSION_RANGES.FindCoordinator.apiKey,
    apiVersions,
    handle(req, ctx): MessageInput<FindCoordinatorResponse> {
      if (ctx.header.apiVersion >= 4) {
        return { throttleTimeMs: 0, coordinators: req.coordinatorKeys.map((key) => ({ key, ...find(req.keyType, key) })) }
      }
      return { throttleTimeMs: 0, ...find(req.keyType, req.key) }
    },
    errorResponse(req, errorCode, ctx): MessageInput<FindCoordinatorResponse> {
      if (ctx.header.apiVersion >= 4) return { coordinators: req.coordinatorKeys.map((key) => ({ key, ...failed(errorCode) })) }
      return failed(errorCode)
    }
  }
}
