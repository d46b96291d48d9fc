/**
 * DescribeCluster (key 60), versions 0-1 (KIP-700): the cluster id, the controller id (a real broker
 * id, as Metadata's) and the live brokers with the addresses their listeners bound, from the same
 * BrokerFacade as Metadata, so the two always agree; cluster authorized operations when asked (no
 * authorizer: every operation the cluster has). v1's endpoint_type: BROKERS (1) is served; a
 * CONTROLLERS (2) request sent to a broker is answered MISMATCHED_ENDPOINT_TYPE and any other type
 * UNSUPPORTED_ENDPOINT_TYPE, as Kafka's KafkaApis.handleDescribeCluster does (KIP-919).
 */
import { API_VERSION_RANGES } from '../api-version-ranges'
import type { ApiHandler } from '../api-handler'
import type { BrokerFacade } from '../broker-facade'
import { KAFKA_ERROR_CODES } from '../../model/errors'
import type { MessageInput } from '../message-codec-support'
import type { DescribeClusterRequest } from '../messages/describe-cluster-request'
import type { DescribeClusterResponse } from '../messages/describe-cluster-response'

/** The versions this handler serves (api-version-ranges.ts). */
export const apiVersions = { min: API_VERSION_RANGES.DescribeCluster.min, max: API_VERSION_RANGES.DescribeCluster.max }

/** "Not requested" in the authorized-operations field (Integer.MIN_VALUE, KIP-430). */
const OPS_NOT_REQUESTED = -2147483648
/** AclOperation codes the cluster has: CREATE 5, ALTER 7, DESCRIBE 8, CLUSTER_ACTION 9, DESCRIBE_CONFIGS 10, ALTER_CONFIGS 11, IDEMPOTENT_WRITE 12. */
const CLUSTER_OPS = [5, 7, 8, 9, 10, 11, 12].reduce((m, op) => m | (1 << op), 0)
/** DescribeClusterRequest.EndpointType: BROKERS 1, CONTROLLERS 2. */
const ENDPOINT_BROKERS = 1
const ENDPOINT_CONTROLLERS = 2

/** The DescribeCluster handler over `facade` (Metadata's view of the engine). */
export function describeClusterHandler(facade: BrokerFacade): ApiHandler<DescribeClusterRequest, DescribeClusterResponse> {
  return {
    apiKey: API_VERSION_RANGES.DescribeCluster.apiKey,
    apiVersions,
    handle(req, ctx): MessageInput<DescribeClusterResponse> {
      const endpointType = ctx.header.apiVersion >= 1 ? req.endpointType : ENDPOINT_BROKERS
      if (endpointType === ENDPOINT_CONTROLLERS)
        return { errorCode: KAFKA_ERROR_CODES.MISMATCHED_ENDPOINT_TYPE, errorMessage: 'The request was sent to an endpoint of type BROKER, but we wanted an endpoint of type CONTROLLER', endpointType, clusterId: facade.clusterId(), brokers: [] }
      if (endpointType !== ENDPOINT_BROKERS)
        return { errorCode: KAFKA_ERROR_CODES.UNSUPPORTED_ENDPOINT_TYPE, errorMessage: `Unsupported endpoint type ${endpointType} (BROKERS 1 is served)`, endpointType, clusterId: facade.clusterId(), brokers: [] }
      return {
        throttleTimeMs: 0,
        errorCode: 0,
        errorMessage: null,
        endpointType,
        clusterId: facade.clusterId(),
        controllerId: facade.controllerId(),
        brokers: facade.liveBrokers().map((b) => ({ brokerId: b.nodeId, host: b.host, port: b.port, rack: b.rack })),
        clusterAuthorizedOperations: req.includeClusterAuthorizedOperations ? CLUSTER_OPS : OPS_NOT_REQUESTED
      }
    },
    errorResponse(_req, errorCode): MessageInput<DescribeClusterResponse> {
      return { errorCode, clusterId: '', brokers: [] }
    }
  }
}
