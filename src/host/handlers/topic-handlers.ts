/**
 * Handlers of `topic/*` and `offsets/*`: list, describe, create, alter (partitions and/or configs,
 * all or nothing), delete, defaults, segments, the replicas' lag history (kept by the snapshot
 * builder), and the per-partition offsets kafka-get-offsets shows.
 */
import { validateTopicConfigs } from '../../broker/cluster/topic-config'
import { toTopicConfigsView } from '../../broker/model/topic-config-values'
import { toTopicDetail, toTopicSummary } from '../contract-views'
import type { HandlerContext, NamespaceHandlers } from './handler-context'

/** topic/list, topic/describe, topic/create, topic/alter, topic/delete, topic/defaults, topic/segments, topic/replica-lag-history, offsets/list. */
export function topicHandlers({ cluster: c, snapshots }: HandlerContext): NamespaceHandlers<'topic' | 'offsets'> {
  return {
    'topic/list': ({ includeInternal }) =>
      c
        .listTopics({ includeInternal: includeInternal ?? false })
        .sort((a, b) => (a.name < b.name ? -1 : 1))
        .map(toTopicSummary),
    'topic/describe': ({ topic }) => toTopicDetail(c.describeTopic(topic)),
    'topic/create': ({ topic, partitions, replicationFactor, configs }) => toTopicDetail(c.createTopic(topic, { partitions, replicationFactor, configs })),
    'topic/alter': ({ topic, partitions, configs }) => {
      // Nothing changes unless both parts are valid: configs are checked first, then partitions
      // are added (which may refuse), then the configs applied (which cannot fail any more).
      const current = c.describeTopic(topic)
      if (configs) validateTopicConfigs(configs as Partial<Record<string, unknown>>, current.configs)
      if (partitions !== undefined) c.createPartitions(topic, partitions)
      if (configs) c.alterTopicConfigs(topic, configs)
      return toTopicDetail(c.describeTopic(topic))
    },
    'topic/delete': ({ topic }) => {
      c.deleteTopic(topic)
      return { ok: true }
    },
    'topic/defaults': () => ({ configs: toTopicConfigsView(c.defaultTopicConfigs()), brokers: c.brokers().length }),
    'topic/replica-lag-history': ({ topic, partition }) => snapshots.replicaLagHistory(topic, partition),
    'topic/segments': ({ topic, partition }) => {
      const s = c.segments(topic, partition)
      return { topic, partition, segments: s.segments.map((x) => ({ ...x })), lastCleaning: s.lastCleaning ? { ...s.lastCleaning } : null }
    },
    'offsets/list': ({ topic }) =>
      [...c.describeTopic(topic).partitions]
        .sort((a, b) => a.partition - b.partition)
        .map((p) => {
          const earliest = c.listOffset(topic, p.partition, 'earliest') ?? p.logStartOffset
          const latest = c.listOffset(topic, p.partition, 'latest') ?? p.highWatermark
          return { partition: p.partition, earliest, latest, highWatermark: p.highWatermark }
        })
  }
}
