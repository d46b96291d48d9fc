/**
 * The registry of API handlers (one file per API in this folder, named by key as kfake's are):
 * what a broker's KafkaApis serves and therefore advertises in ApiVersions.
 *
 * Must stay true: one handler per API key; each handler's `apiVersions` comes from
 * ../api-version-ranges.ts.
 */
import type { AnyApiHandler } from '../api-handler'
import type { BrokerFacade } from '../broker-facade'
import type { ProducerIdFacade } from '../producer-id-facade'
import type { ReplicaFacade } from '../replica-facade'
import { produceHandler } from './00-produce'
import { fetchHandler } from './01-fetch'
import { listOffsetsHandler } from './02-list-offsets'
import { metadataHandler } from './03-metadata'
import { apiVersionsHandler } from './18-api-versions'
import { initProducerIdHandler } from './22-init-producer-id'
import { offsetForLeaderEpochHandler } from './23-offset-for-leader-epoch'

/**
 * The handlers of every API the broker serves: ApiVersions always; with a `facade` (the engine as
 * one broker sees it), Metadata too; with `replicas` as well (the broker's data plane), Produce,
 * Fetch, ListOffsets and OffsetForLeaderEpoch; with `producerIds`, InitProducerId.
 */
export function createApiHandlers(facade?: BrokerFacade, replicas?: ReplicaFacade, producerIds?: ProducerIdFacade): AnyApiHandler[] {
  const handlers: AnyApiHandler[] = [apiVersionsHandler as AnyApiHandler]
  if (facade) handlers.push(metadataHandler(facade) as AnyApiHandler)
  if (facade && replicas) {
    handlers.push(produceHandler(replicas, facade) as AnyApiHandler, fetchHandler(replicas, facade) as AnyApiHandler)
    handlers.push(listOffsetsHandler(replicas) as AnyApiHandler, offsetForLeaderEpochHandler(replicas) as AnyApiHandler)
  }
  if (producerIds) handlers.push(initProducerIdHandler(producerIds) as AnyApiHandler)
  return handlers
}
