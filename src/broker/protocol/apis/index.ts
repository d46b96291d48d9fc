/**
 * The registry of API handlers (one file per API in this folder, named by key as kfake's are):
 * what a broker's KafkaApis serves and therefore advertises in ApiVersions.
 *
 * Must stay true: one handler per API key; each handler's `apiVersions` comes from
 * ../api-version-ranges.ts.
 */
import type { AnyApiHandler } from '../api-handler'
import type { AdminFacade } from '../admin-facade'
import type { BrokerFacade } from '../broker-facade'
import { metadataHandler } from './03-metadata'
import { apiVersionsHandler } from './18-api-versions'
import { adminHandlers } from './admin-handlers'
import { describeClusterHandler } from './60-describe-cluster'

/**
 * The handlers of every API the broker serves: ApiVersions always; with a `facade` (the engine as
 * one broker sees it), Metadata and DescribeCluster too; with an `admin` facade, the admin APIs
 * (admin-handlers.ts).
 */
export function createApiHandlers(facade?: BrokerFacade, admin?: AdminFacade): AnyApiHandler[] {
  const handlers: AnyApiHandler[] = [apiVersionsHandler as AnyApiHandler]
  if (facade) handlers.push(metadataHandler(facade) as AnyApiHandler, describeClusterHandler(facade) as AnyApiHandler)
  if (admin) handlers.push(...adminHandlers(admin))
  return handlers
}
