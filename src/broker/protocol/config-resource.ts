/**
 * Config resources of DescribeConfigs, AlterConfigs and IncrementalAlterConfigs (Kafka's
 * ConfigResource.Type codes) and the rules the three share for a resource's name: a TOPIC is named
 * by a valid topic name; a BROKER by its id in decimal, or "" for the cluster-wide broker defaults;
 * other types (BROKER_LOGGER, CLIENT_METRICS, GROUP) are not served here and are answered
 * INVALID_REQUEST, naming the type.
 *
 * Must stay true: codes are Kafka's; a refusal is a KafkaError naming the resource and the rule.
 */
import { KafkaError } from '../model/errors'
import { topicNameProblem } from '../model/topic-name'
import { apiErrorOf, type ApiErrorAnswer } from './api-error'

/** Kafka's ConfigResource.Type codes. */
export const CONFIG_RESOURCE_TYPE = { UNKNOWN: 0, TOPIC: 2, BROKER: 4, BROKER_LOGGER: 8, CLIENT_METRICS: 16, GROUP: 32 } as const

/** A resource a config request names, resolved. */
export type ConfigResourceRef = { kind: 'topic'; name: string } | { kind: 'broker'; id: number } | { kind: 'broker-defaults' }

/** Resolves a request's resource. @throws KafkaError INVALID_REQUEST for a type not served or a broker name that is not an id. */
export function configResourceOf(resourceType: number, resourceName: string): ConfigResourceRef {
  if (resourceType === CONFIG_RESOURCE_TYPE.TOPIC) return { kind: 'topic', name: resourceName }
  if (resourceType === CONFIG_RESOURCE_TYPE.BROKER) {
    if (resourceName === '') return { kind: 'broker-defaults' }
    if (!/^\d+$/.test(resourceName) || Number(resourceName) > 2147483647)
      throw new KafkaError('INVALID_REQUEST', `Broker id must be an integer, but it is ${JSON.stringify(resourceName)}`)
    return { kind: 'broker', id: Number(resourceName) }
  }
  const name = Object.entries(CONFIG_RESOURCE_TYPE).find(([, v]) => v === resourceType)?.[0] ?? `type ${resourceType}`
  throw new KafkaError('INVALID_REQUEST', `Config resources of ${name} are not supported by this broker (TOPIC and BROKER are)`)
}

/** The refusal of a change to broker configs: they are read-only here (POLICY_VIOLATION). */
export function brokerConfigsReadOnly(what: string): KafkaError {
  return new KafkaError('POLICY_VIOLATION', `${what}: broker configs are read-only here (the embedded cluster's brokers take no dynamic broker configs); alter topic configs instead`)
}

/** Keys of `items` that appear more than once (duplicate resources or config names in one request). */
export function duplicates<T>(items: readonly T[], key: (t: T) => string): Set<string> {
  const seen = new Set<string>()
  const twice = new Set<string>()
  for (const i of items) {
    const k = key(i)
    if (seen.has(k)) twice.add(k)
    seen.add(k)
  }
  return twice
}

/** A resource as AlterConfigs and IncrementalAlterConfigs name it. */
export interface AlteredResource {
  resourceType: number
  resourceName: string
}

/**
 * The per-resource loop AlterConfigs and IncrementalAlterConfigs share (Kafka's
 * ConfigAdminManager): each resource is answered on its own, in request order; a resource named
 * twice is INVALID_REQUEST, a BROKER resource POLICY_VIOLATION (read-only here), an invalid topic
 * name INVALID_TOPIC_EXCEPTION; otherwise `alter(topic, resource)` changes the TOPIC resource, and
 * what it throws becomes that resource's error (apiErrorOf).
 */
export function alterTopicResources<R extends AlteredResource>(
  resources: readonly R[],
  alter: (topic: string, r: R) => void
): (AlteredResource & { errorCode: number; errorMessage: ApiErrorAnswer['errorMessage'] | null })[] {
  const twice = duplicates(resources, (r) => `${r.resourceType}:${r.resourceName}`)
  return resources.map((r) => {
    const id = { resourceType: r.resourceType, resourceName: r.resourceName }
    try {
      if (twice.has(`${r.resourceType}:${r.resourceName}`)) throw new KafkaError('INVALID_REQUEST', `Error due to duplicate resource: ${r.resourceName} is named more than once`)
      const ref = configResourceOf(r.resourceType, r.resourceName)
      if (ref.kind !== 'topic') throw brokerConfigsReadOnly(`Cannot alter the configs of broker ${JSON.stringify(r.resourceName)}`)
      const problem = topicNameProblem(ref.name)
      if (problem) throw new KafkaError('INVALID_TOPIC_EXCEPTION', problem)
      alter(ref.name, r)
      return { errorCode: 0, errorMessage: null, ...id }
    } catch (e) {
      return { ...apiErrorOf(e), ...id }
    }
  })
}
