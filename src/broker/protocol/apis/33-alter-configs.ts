/**
 * AlterConfigs (key 33), versions 0-2: replaces a TOPIC's configs with the ones given (every config
 * not given returns to its default, as Kafka's legacy AlterConfigs does); validate_only checks and
 * changes nothing. Per resource: UNKNOWN_TOPIC_OR_PARTITION, INVALID_TOPIC_EXCEPTION, INVALID_CONFIG
 * (unknown name, bad value or a null value, Kafka's messages), INVALID_REQUEST for a resource named
 * twice or a type not served; BROKER resources are refused with POLICY_VIOLATION (broker configs
 * are read-only here).
 *
 * Must stay true: a resource's configs change all together or not at all; one resource's failure
 * never stops the others.
 */
import { API_VERSION_RANGES } from '../api-version-ranges'
import type { ApiHandler } from '../api-handler'
import type { AdminFacade } from '../admin-facade'
import { alterTopicResources, duplicates } from '../config-resource'
import { KafkaError } from '../../model/errors'
import type { MessageInput } from '../message-codec-support'
import type { AlterConfigsRequest } from '../messages/alter-configs-request'
import type { AlterConfigsResponse } from '../messages/alter-configs-response'

/** The versions this handler serves (api-version-ranges.ts). */
export const apiVersions = { min: API_VERSION_RANGES.AlterConfigs.min, max: API_VERSION_RANGES.AlterConfigs.max }

/** The AlterConfigs handler over `facade`. */
export function alterConfigsHandler(facade: AdminFacade): ApiHandler<AlterConfigsRequest, AlterConfigsResponse> {
  return {
    apiKey: API_VERSION_RANGES.AlterConfigs.apiKey,
    apiVersions,
    handle(req): MessageInput<AlterConfigsResponse> {
      const responses = alterTopicResources(req.resources, (topic, r) => {
        const sameKey = duplicates(r.configs, (c) => c.name)
        if (sameKey.size > 0) throw new KafkaError('INVALID_REQUEST', `Error due to duplicate config keys: ${[...sameKey].join(', ')}`)
        const set: Record<string, string> = {}
        for (const c of r.configs) {
          if (c.value === null) throw new KafkaError('INVALID_CONFIG', `Null value not supported for topic configs: ${c.name}`)
          set[c.name] = c.value
        }
        facade.alterTopicConfigs(topic, { set, reset: [], replace: true }, req.validateOnly)
      })
      return { throttleTimeMs: 0, responses }
    },
    errorResponse(req, errorCode): MessageInput<AlterConfigsResponse> {
      return { responses: req.resources.map((r) => ({ errorCode, resourceType: r.resourceType, resourceName: r.resourceName })) }
    }
  }
}
