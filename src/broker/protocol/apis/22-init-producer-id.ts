/**
 * InitProducerId (key 22), versions 0-5, for idempotent producers (a null transactional id): a new
 * producer id with epoch 0 from this broker's block of ids (Kafka's TransactionCoordinator
 * handleInitProducerId, which for a null transactional id always hands out a new id, whatever
 * producer id and epoch v3+ sends, KIP-360).
 *
 * Must stay true: transactions are not served: a non-null transactional id is answered
 * INVALID_REQUEST (with nothing allocated), since a transactional producer would need the
 * transaction APIs this broker does not advertise; transaction_timeout_ms is not used otherwise.
 */
import { API_VERSION_RANGES } from '../api-version-ranges'
import type { ApiHandler } from '../api-handler'
import { KAFKA_ERROR_CODES } from '../../model/errors'
import type { MessageInput } from '../message-codec-support'
import type { InitProducerIdRequest } from '../messages/init-producer-id-request'
import type { InitProducerIdResponse } from '../messages/init-producer-id-response'
import type { ProducerIdFacade } from '../producer-id-facade'

/** The versions this handler serves (api-version-ranges.ts). */
export const apiVersions = { min: API_VERSION_RANGES.InitProducerId.min, max: API_VERSION_RANGES.InitProducerId.max }

/** The InitProducerId handler over this broker's producer ids. */
export function initProducerIdHandler(ids: ProducerIdFacade): ApiHandler<InitProducerIdRequest, InitProducerIdResponse> {
  return {
    apiKey: API_VERSION_RANGES.InitProducerId.apiKey,
    apiVersions,
    handle(req): MessageInput<InitProducerIdResponse> {
      if (req.transactionalId !== null) return { throttleTimeMs: 0, errorCode: KAFKA_ERROR_CODES.INVALID_REQUEST, producerId: -1n, producerEpoch: -1 }
      const { producerId, producerEpoch } = ids.initProducerId()
      return { throttleTimeMs: 0, errorCode: 0, producerId: BigInt(producerId), producerEpoch }
    },
    errorResponse(_req, errorCode): MessageInput<InitProducerIdResponse> {
      return { throttleTimeMs: 0, errorCode, producerId: -1n, producerEpoch: -1 }
    }
  }
}
