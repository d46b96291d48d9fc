/**
 * DescribeConfigs (key 32), versions 1-4 (KIP-896 removed 0): for each TOPIC resource every topic
 * config with its value, read_only (false), config_source (DYNAMIC_TOPIC_CONFIG for an override,
 * DEFAULT_CONFIG otherwise), is_sensitive (false) and, when include_synonyms (v1+), its synonyms as
 * `kafka-configs --describe --all` shows them (the topic override, then the broker default under
 * its broker config name, e.g. log.retention.ms for retention.ms); config_type and, when
 * include_documentation, documentation (v3+). For a BROKER resource (any broker of the cluster, by
 * id) the broker configs this engine can name, read-only (STATIC_BROKER_CONFIG where the engine
 * differs from Kafka's default); "" (the cluster-wide dynamic defaults) has none. As Kafka's
 * ConfigHelper.describeConfigs answers: configuration_keys filters by name (unknown names are left
 * out); an unknown topic is UNKNOWN_TOPIC_OR_PARTITION, an invalid topic name
 * INVALID_TOPIC_EXCEPTION, an unknown broker or unsupported resource type INVALID_REQUEST, each
 * with its message.
 *
 * Must stay true: one resource's failure never stops the others; v0's IsDefault is never sent
 * (v0 is not served).
 */
import { API_VERSION_RANGES } from '../api-version-ranges'
import type { ApiHandler } from '../api-handler'
import { CONFIG_SOURCE, CONFIG_TYPE, type AdminConfigEntry, type AdminFacade } from '../admin-facade'
import { apiErrorOf } from '../api-error'
import { configResourceOf } from '../config-resource'
import { KafkaError } from '../../model/errors'
import { topicNameProblem } from '../../model/topic-name'
import type { MessageInput } from '../message-codec-support'
import type { DescribeConfigsRequest } from '../messages/describe-configs-request'
import type { DescribeConfigsResponse, DescribeConfigsResponseDescribeConfigsResourceResult } from '../messages/describe-configs-response'

/** The versions this handler serves (api-version-ranges.ts). */
export const apiVersions = { min: API_VERSION_RANGES.DescribeConfigs.min, max: API_VERSION_RANGES.DescribeConfigs.max }

function entriesOf(facade: AdminFacade, resourceType: number, resourceName: string): AdminConfigEntry[] {
  const ref = configResourceOf(resourceType, resourceName)
  if (ref.kind === 'topic') {
    const problem = topicNameProblem(ref.name)
    if (problem) throw new KafkaError('INVALID_TOPIC_EXCEPTION', problem)
    return facade.topicConfigs(ref.name)
  }
  if (ref.kind === 'broker-defaults') return []
  if (!facade.brokerIds().includes(ref.id))
    throw new KafkaError('INVALID_REQUEST', `Unexpected broker id ${ref.id}: the brokers of this cluster are ${facade.brokerIds().join(', ')}`)
  return facade.brokerConfigs(ref.id)
}

/** The DescribeConfigs handler over `facade`. */
export function describeConfigsHandler(facade: AdminFacade): ApiHandler<DescribeConfigsRequest, DescribeConfigsResponse> {
  return {
    apiKey: API_VERSION_RANGES.DescribeConfigs.apiKey,
    apiVersions,
    handle(req, ctx): MessageInput<DescribeConfigsResponse> {
      const version = ctx.header.apiVersion
      const results = req.resources.map((r) => {
        try {
          const wanted = r.configurationKeys === null ? null : new Set(r.configurationKeys)
          const configs = entriesOf(facade, r.resourceType, r.resourceName)
            .filter((c) => wanted === null || wanted.has(c.name))
            .map(
              (c): MessageInput<DescribeConfigsResponseDescribeConfigsResourceResult> => ({
                name: c.name,
                value: c.value,
                readOnly: c.readOnly,
                configSource: CONFIG_SOURCE[c.source],
                isSensitive: c.isSensitive,
                synonyms: version >= 1 && req.includeSynonyms ? c.synonyms.map((s) => ({ name: s.name, value: s.value, source: CONFIG_SOURCE[s.source] })) : [],
                configType: CONFIG_TYPE[c.type],
                documentation: req.includeDocumentation ? c.documentation : null
              })
            )
          return { errorCode: 0, errorMessage: null, resourceType: r.resourceType, resourceName: r.resourceName, configs }
        } catch (e) {
          return { ...apiErrorOf(e), resourceType: r.resourceType, resourceName: r.resourceName, configs: [] }
        }
      })
      return { throttleTimeMs: 0, results }
    },
    errorResponse(req, errorCode): MessageInput<DescribeConfigsResponse> {
      return { results: req.resources.map((r) => ({ errorCode, resourceType: r.resourceType, resourceName: r.resourceName, configs: [] })) }
    }
  }
}
