/**
 * The rows of a topic's configs table, as `kafka-configs --describe --all` lists them: each config
 * (Kafka's name, in the topic config table's order) with its exact value (a LONG as its decimal
 * string), a readable gloss, its doc, and its source in Kafka's words: DYNAMIC_TOPIC_CONFIG for a
 * value that overrides Kafka's default (what `kafka-topics --describe` and `brokerlab topic describe`
 * list after "Configs:"), DEFAULT_CONFIG otherwise, with the default it overrides.
 * Must stay true: pure; the value shown is the contract's value verbatim, never re-formatted.
 */
import {
  DEFAULT_TOPIC_CONFIGS_VIEW,
  TOPIC_CONFIG_TABLE,
  topicConfigNames,
  topicConfigSource,
  type TopicConfigName,
  type TopicConfigsView
} from '@shared/contract'
import { describeConfigValue } from './format'

/** One row of the configs table. */
export interface TopicConfigRow {
  key: TopicConfigName
  /** The value as the contract carries it, as text ("9223372036854775807", "compact", "0.5"). */
  value: string
  /** e.g. "7 d", "1.0 GiB", "Long.MAX_VALUE (never)"; empty when none. */
  gloss: string
  /** Kafka's ConfigSource: the value was set on the topic (differs from the default), or is the default. */
  source: 'DYNAMIC_TOPIC_CONFIG' | 'DEFAULT_CONFIG'
  /** Kafka's default, as text, and its gloss. */
  defaultValue: string
  defaultGloss: string
  /** What the config does, from the topic config table. */
  doc: string
}

/** The rows for `configs` (a TopicDetail's), overrides marked. Keys missing from `configs` are left out. */
export function topicConfigRows(configs: Partial<TopicConfigsView>): TopicConfigRow[] {
  const rows: TopicConfigRow[] = []
  for (const key of topicConfigNames()) {
    if (!(key in configs)) continue
    const v = configs[key]
    const d = DEFAULT_TOPIC_CONFIGS_VIEW[key]
    rows.push({
      key,
      value: String(v),
      gloss: describeConfigValue(key, v),
      source: topicConfigSource(key, v),
      defaultValue: String(d),
      defaultGloss: describeConfigValue(key, d),
      doc: TOPIC_CONFIG_TABLE[key].doc
    })
  }
  return rows
}
