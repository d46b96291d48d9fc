/**
 * ApiVersions (key 18), versions 0-4: the broker's supported API ranges, built from the handlers
 * registered with the dispatcher (only APIs that have one are advertised). From v3 the request
 * carries the client's software name and version (KIP-511), kept on the connection's client record
 * and checked as Kafka's ApiVersionsRequest.isValid does (INVALID_REQUEST otherwise).
 *
 * Must stay true: the response to a version the broker does not know is built by the dispatcher
 * from `errorResponse` in v0 with UNSUPPORTED_VERSION and ApiVersions' own range (KIP-511: the
 * client retries with the highest version it shares); ApiVersions responses use response header
 * v0 (header-versions.ts). SupportedFeatures / FinalizedFeatures are not sent yet.
 */
import { API_VERSION_RANGES } from '../api-version-ranges'
import type { ApiHandler } from '../api-handler'
import { KAFKA_ERROR_CODES } from '../../model/errors'
import type { MessageInput } from '../message-codec-support'
import type { ApiVersionsRequest } from '../messages/api-versions-request'
import type { ApiVersionsResponse } from '../messages/api-versions-response'

/** The versions this handler serves (api-version-ranges.ts). */
export const apiVersions = { min: API_VERSION_RANGES.ApiVersions.min, max: API_VERSION_RANGES.ApiVersions.max }

/** Kafka's rule for ClientSoftwareName / ClientSoftwareVersion (ApiVersionsRequest.SOFTWARE_NAME_VERSION_PATTERN). */
const SOFTWARE_PATTERN = /^[a-zA-Z0-9](?:[a-zA-Z0-9\-.]*[a-zA-Z0-9])?$/

/** The ApiVersions handler. */
export const apiVersionsHandler: ApiHandler<ApiVersionsRequest, ApiVersionsResponse> = {
  apiKey: API_VERSION_RANGES.ApiVersions.apiKey,
  apiVersions,
  handle(req, ctx): MessageInput<ApiVersionsResponse> {
    if (ctx.header.apiVersion >= 3) {
      if (!SOFTWARE_PATTERN.test(req.clientSoftwareName) || !SOFTWARE_PATTERN.test(req.clientSoftwareVersion)) {
        return { errorCode: KAFKA_ERROR_CODES.INVALID_REQUEST, apiKeys: [] }
      }
      ctx.client.softwareName = req.clientSoftwareName
      ctx.client.softwareVersion = req.clientSoftwareVersion
    }
    const apiKeys = [...ctx.advertised()]
      .sort(([a], [b]) => a - b)
      .map(([apiKey, r]) => ({ apiKey, minVersion: r.min, maxVersion: r.max }))
    return { errorCode: 0, apiKeys, throttleTimeMs: 0 }
  },
  errorResponse(_req, errorCode): MessageInput<ApiVersionsResponse> {
    const own = errorCode === KAFKA_ERROR_CODES.UNSUPPORTED_VERSION ? [{ apiKey: 18, minVersion: apiVersions.min, maxVersion: apiVersions.max }] : []
    return { errorCode, apiKeys: own }
  }
}
