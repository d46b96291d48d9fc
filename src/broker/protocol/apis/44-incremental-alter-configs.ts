/**
 * IncrementalAlterConfigs (key 44), versions 0-1 (KIP-339): per TOPIC resource a list of operations,
 * SET (0) a value, DELETE (1) back to the default, APPEND (2) / SUBTRACT (3) items of a LIST config
 * (cleanup.policy); validate_only checks and changes nothing. As Kafka's
 * ConfigAdminManager.incrementalAlterConfigs answers: INVALID_CONFIG for an unknown name, a bad
 * value, APPEND/SUBTRACT on a config that is not a list ("Config value append is not allowed for
 * config key: ...") or an unknown operation; INVALID_REQUEST for a config or resource named twice or
 * a type not served; UNKNOWN_TOPIC_OR_PARTITION, INVALID_TOPIC_EXCEPTION; BROKER resources are
 * refused with POLICY_VIOLATION (broker configs are read-only here).
 *
 * Must stay true: a resource's operations apply all together or not at all; one resource's
 * failure never stops the others.
 */
import { API_VERSION_RANGES } from '../api-version-ranges'
import type { ApiHandler } from '../api-handler'
import type { AdminFacade } from '../admin-facade'
import { alterTopicResources, duplicates } from '../config-resource'
import { KafkaError } from '../../model/errors'
import type { MessageInput } from '../message-codec-support'
import type { IncrementalAlterConfigsRequest, IncrementalAlterConfigsRequestAlterConfigsResource } from '../messages/incremental-alter-configs-request'
import type { IncrementalAlterConfigsResponse } from '../messages/incremental-alter-configs-response'

/** The versions this handler serves (api-version-ranges.ts). */
export const apiVersions = { min: API_VERSION_RANGES.IncrementalAlterConfigs.min, max: API_VERSION_RANGES.IncrementalAlterConfigs.max }

/** Kafka's AlterConfigOp.OpType codes. */
export const ALTER_CONFIG_OP = { SET: 0, DELETE: 1, APPEND: 2, SUBTRACT: 3 } as const

/** The items of a list value ("a,b" -> [a, b]; "" -> []). */
function items(v: string | null | undefined): string[] {
  return (v ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
}

function apply(facade: AdminFacade, topic: string, r: IncrementalAlterConfigsRequestAlterConfigsResource, validateOnly: boolean): void {
  const sameKey = duplicates(r.configs, (c) => c.name)
  if (sameKey.size > 0) throw new KafkaError('INVALID_REQUEST', `Error due to duplicate config keys: ${[...sameKey].join(', ')}`)
  const current = new Map(facade.topicConfigs(topic).map((c) => [c.name, c]))
  const set: Record<string, string> = {}
  const reset: string[] = []
  for (const c of r.configs) {
    switch (c.configOperation) {
      case ALTER_CONFIG_OP.SET:
        if (c.value === null) throw new KafkaError('INVALID_CONFIG', `Null value not supported for : ${c.name}`)
        set[c.name] = c.value
        break
      case ALTER_CONFIG_OP.DELETE:
        reset.push(c.name)
        break
      case ALTER_CONFIG_OP.APPEND:
      case ALTER_CONFIG_OP.SUBTRACT: {
        const op = c.configOperation === ALTER_CONFIG_OP.APPEND ? 'append' : 'subtract'
        const entry = current.get(c.name)
        if (!entry) throw new KafkaError('INVALID_CONFIG', `Unknown topic config name: ${c.name}`)
        if (entry.type !== 'LIST') throw new KafkaError('INVALID_CONFIG', `Config value ${op} is not allowed for config key: ${c.name}`)
        const have = items(entry.value)
        const change = items(c.value)
        const next = op === 'append' ? [...have, ...change.filter((x) => !have.includes(x))] : have.filter((x) => !change.includes(x))
        set[c.name] = next.join(',')
        break
      }
      default:
        throw new KafkaError('INVALID_CONFIG', `Unknown config operation ${c.configOperation} for ${c.name} (SET 0, DELETE 1, APPEND 2, SUBTRACT 3)`)
    }
  }
  facade.alterTopicConfigs(topic, { set, reset, replace: false }, validateOnly)
}

/** The IncrementalAlterConfigs handler over `facade`. */
export function incrementalAlterConfigsHandler(facade: AdminFacade): ApiHandler<IncrementalAlterConfigsRequest, IncrementalAlterConfigsResponse> {
  return {
    apiKey: API_VERSION_RANGES.IncrementalAlterConfigs.apiKey,
    apiVersions,
    handle(req): MessageInput<IncrementalAlterConfigsResponse> {
      const responses = alterTopicResources(req.resources, (topic, r) => apply(facade, topic, r, req.validateOnly))
      return { throttleTimeMs: 0, responses }
    },
    errorResponse(req, errorCode): MessageInput<IncrementalAlterConfigsResponse> {
      return { responses: req.resources.map((r) => ({ errorCode, resourceType: r.resourceType, resourceName: r.resourceName })) }
    }
  }
}
