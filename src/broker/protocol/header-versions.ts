/**
 * Which request and response header version an API version uses (Kafka's
 * ApiMessageType.requestHeaderVersion / responseHeaderVersion): request header v2 and response
 * header v1 (both with a tagged-field section) for flexible versions (KIP-482), else request header
 * v1 and response header v0.
 *
 * Must stay true: ApiVersions responses always use response header v0, whatever the version (a
 * client reads them before it knows the broker's versions; a tagged-field byte there makes
 * librdkafka misread the body); ControlledShutdown v0 uses request header v0 (no client id).
 */
import { apiMessages } from './messages'

const API_VERSIONS_KEY = 18
const CONTROLLED_SHUTDOWN_KEY = 7

/** Whether `apiVersion` of `apiKey` is flexible; versions past the spec's max count as flexible when the API has flexible versions. */
export function isFlexibleVersion(apiKey: number, apiVersion: number): boolean {
  const first = apiMessages(apiKey)?.firstFlexibleVersion
  return first !== null && first !== undefined && apiVersion >= first
}

/** The request header version (0, 1 or 2) of a request of `apiKey` at `apiVersion`. */
export function requestHeaderVersion(apiKey: number, apiVersion: number): number {
  if (apiKey === CONTROLLED_SHUTDOWN_KEY && apiVersion === 0) return 0
  return isFlexibleVersion(apiKey, apiVersion) ? 2 : 1
}

/** The response header version (0 or 1) of a response of `apiKey` at `apiVersion`. */
export function responseHeaderVersion(apiKey: number, apiVersion: number): number {
  if (apiKey === API_VERSIONS_KEY) return 0
  return isFlexibleVersion(apiKey, apiVersion) ? 1 : 0
}
