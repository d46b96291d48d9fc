/**
 * The registry of API handlers (one file per API in this folder, named by key as kfake's are):
 * what a broker's KafkaApis serves and therefore advertises in ApiVersions.
 *
 * Must stay true: one handler per API key; each handler's `apiVersions` comes from
 * ../api-version-ranges.ts.
 */
import type { AnyApiHandler } from '../api-handler'
import { apiVersionsHandler } from './18-api-versions'

/** The handlers of every API the broker serves. */
export function createApiHandlers(): AnyApiHandler[] {
  return [apiVersionsHandler as AnyApiHandler]
}
