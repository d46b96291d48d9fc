/**
 * The automatic leader rebalance's three broker configs (Kafka's ReplicationConfigs:
 * auto.leader.rebalance.enable, leader.imbalance.check.interval.seconds,
 * leader.imbalance.per.broker.percentage), checked once when the cluster opens and handed to the
 * controller (./controller.ts maybeRebalanceLeaders).
 *
 * Must stay true: every default is Kafka's (true, 300 s, 10 %); a value outside Kafka's rule is
 * refused with INVALID_CONFIG naming the config and the rule, never clamped.
 */
import { KafkaError } from '../model/errors'

/** Kafka's auto.leader.rebalance.enable default. */
export const DEFAULT_AUTO_LEADER_REBALANCE_ENABLE = true
/** Kafka's leader.imbalance.check.interval.seconds default (s). */
export const DEFAULT_LEADER_IMBALANCE_CHECK_INTERVAL_SECONDS = 300
/** Kafka's leader.imbalance.per.broker.percentage default (%). */
export const DEFAULT_LEADER_IMBALANCE_PER_BROKER_PERCENTAGE = 10

/** The rebalance configs as the controller uses them. */
export interface LeaderRebalanceConfig {
  /** auto.leader.rebalance.enable: false = leadership never moves back by itself. */
  enable: boolean
  /** leader.imbalance.check.interval.seconds, in ms: how often the balance is checked. */
  checkIntervalMs: number
  /**
   * leader.imbalance.per.broker.percentage: a broker whose share of partitions (those it is the
   * preferred replica of) that it does not lead exceeds this gets them back (0 to 100).
   */
  imbalancePerBrokerPercentage: number
}

/** The options a cluster takes them from (ClusterOptions, in Kafka's units). */
export interface LeaderRebalanceOptions {
  /** auto.leader.rebalance.enable (default true). */
  autoLeaderRebalanceEnable?: boolean
  /** leader.imbalance.check.interval.seconds (default 300), an integer >= 1. */
  leaderImbalanceCheckIntervalSeconds?: number
  /** leader.imbalance.per.broker.percentage (default 10), an integer from 0 to 100. */
  leaderImbalancePerBrokerPercentage?: number
}

/**
 * The rebalance configs over Kafka's defaults, checked.
 * @throws KafkaError INVALID_CONFIG naming the config and the rule: auto.leader.rebalance.enable a
 *   boolean; leader.imbalance.check.interval.seconds an integer of at least 1 (Kafka's atLeast(1));
 *   leader.imbalance.per.broker.percentage an integer from 0 to 100 (a share of partitions).
 */
export function leaderRebalanceConfig(opts: LeaderRebalanceOptions): LeaderRebalanceConfig {
  const enable = opts.autoLeaderRebalanceEnable ?? DEFAULT_AUTO_LEADER_REBALANCE_ENABLE
  const seconds = opts.leaderImbalanceCheckIntervalSeconds ?? DEFAULT_LEADER_IMBALANCE_CHECK_INTERVAL_SECONDS
  const percentage = opts.leaderImbalancePerBrokerPercentage ?? DEFAULT_LEADER_IMBALANCE_PER_BROKER_PERCENTAGE
  if (typeof enable !== 'boolean')
    throw new KafkaError('INVALID_CONFIG', `auto.leader.rebalance.enable must be true or false, got ${JSON.stringify(enable)}`)
  if (typeof seconds !== 'number' || !Number.isSafeInteger(seconds) || seconds < 1)
    throw new KafkaError('INVALID_CONFIG', `leader.imbalance.check.interval.seconds must be an integer of at least 1 (seconds), got ${JSON.stringify(seconds)}`)
  if (typeof percentage !== 'number' || !Number.isInteger(percentage) || percentage < 0 || percentage > 100)
    throw new KafkaError(
      'INVALID_CONFIG',
      `leader.imbalance.per.broker.percentage must be an integer from 0 to 100 (a share of partitions, %), got ${JSON.stringify(percentage)}`
    )
  return { enable, checkIntervalMs: seconds * 1000, imbalancePerBrokerPercentage: percentage }
}

/** The three configs as Kafka names and prints them (DescribeConfigs of a broker). */
export function leaderRebalanceConfigValues(c: LeaderRebalanceConfig): Record<string, string> {
  return {
    'auto.leader.rebalance.enable': String(c.enable),
    'leader.imbalance.check.interval.seconds': String(c.checkIntervalMs / 1000),
    'leader.imbalance.per.broker.percentage': String(c.imbalancePerBrokerPercentage)
  }
}
