/**
 * Scenario a): kill the leader of a partition written with acks=all and min.insync.replicas=2
 * (Kafka's durability recipe: RF 3, min.insync.replicas 2, acks=all). The killed leader sends no
 * more heartbeats; the controller fences it after broker.session.timeout.ms and elects a follower
 * from the ISR, the ISR shrinks to 2 and acks=all still succeeds; a second broker killed leaves one
 * in-sync replica, and acks=all is refused with NOT_ENOUGH_REPLICAS.
 * Must stay true: plain data (scenario-step.ts); it owns only its topic SCENARIO_ACKS_ALL_TOPIC.
 */
import type { ProduceRecordInput } from '../../../shared/contract'
import type { Scenario, ScenarioStep } from './scenario-step'

/** The topic this scenario creates (Reset deletes it). */
export const SCENARIO_ACKS_ALL_TOPIC = 'scenario-acks-all'

/** How long a wait for the controller's fence may take, ms: broker.session.timeout.ms (9 s by default) with room to spare. */
export const FENCE_WAIT_MS = 45_000

/** `count` keyed order records starting at `from` (keys order-<n>). */
export function orderRecords(from: number, count: number): ProduceRecordInput[] {
  return Array.from({ length: count }, (_, i) => ({ key: `order-${from + i}`, value: `{"order":${from + i}}` }))
}

/**
 * The opening both leader-fault scenarios share, on `topic`: 3 brokers running, the topic created
 * with 1 partition, replication factor 3 and min.insync.replicas=2, its ISR full, 3 keyed records
 * written with acks=all, and its leader found (as 'leader').
 */
export function durableTopicSteps(topic: string): ScenarioStep[] {
  return [
    { kind: 'check-cluster', brokers: 3, title: 'Check that 3 brokers run normally' },
    {
      kind: 'create-topic',
      topic,
      partitions: 1,
      replicationFactor: 3,
      configs: { 'min.insync.replicas': 2 },
      title: `Create ${topic} (1 partition, replication factor 3, min.insync.replicas=2)`
    },
    { kind: 'await-partition', topic, partition: 0, until: { kind: 'isr-size', size: 3 }, timeoutMs: 15_000, title: 'Wait until all 3 replicas are in the ISR' },
    { kind: 'produce', topic, acks: 'all', records: orderRecords(1, 3), title: 'Produce 3 keyed records with acks=all' },
    { kind: 'find-leader', topic, partition: 0, as: 'leader', title: 'Find the leader of partition 0' }
  ]
}

/**
 * The wait after the leader of partition 0 of `topic` was cut off (killed, isolated): the controller
 * fences it and elects a new leader from the ISR (as 'newLeader'); `explain` says why it takes a while.
 */
export function awaitFenceElection(topic: string, explain: string): ScenarioStep {
  return {
    kind: 'await-partition',
    topic,
    partition: 0,
    until: { kind: 'new-leader', from: 'leader' },
    as: 'newLeader',
    timeoutMs: FENCE_WAIT_MS,
    title: 'Wait for the controller to fence it and elect a new leader from the ISR',
    explain
  }
}

/** Scenario a), see the module header. */
export const killLeaderAcksAll: Scenario = {
  id: 'kill-leader-acks-all',
  title: 'Kill the leader with acks=all and min.insync.replicas=2',
  summary:
    'A one-partition topic with replication factor 3 and min.insync.replicas=2 gets a few keyed records with acks=all. ' +
    'Then its leader is killed (as kill -9, no controlled shutdown) and, later, a second replica.',
  watch: [
    'The controller notices the kill only by the missing heartbeats: after broker.session.timeout.ms (9 s by default) it fences the broker and elects a new leader from the ISR (Brokers view, Recent events).',
    'The ISR shrinks from 3 to 2 replicas, and acks=all still succeeds: 2 in-sync replicas satisfy min.insync.replicas=2.',
    'After a second broker is killed and fenced, only 1 replica is in sync: acks=all is refused with NOT_ENOUGH_REPLICAS, so no acknowledged write can be lost.',
    'Reset starts both brokers again; they truncate to the leader epoch, catch up and rejoin the ISR.'
  ],
  topic: SCENARIO_ACKS_ALL_TOPIC,
  steps: [
    ...durableTopicSteps(SCENARIO_ACKS_ALL_TOPIC),
    { kind: 'broker', action: 'kill', broker: 'leader', title: 'Kill the leader (no controlled shutdown)' },
    awaitFenceElection(SCENARIO_ACKS_ALL_TOPIC, 'Nothing happens until broker.session.timeout.ms has passed without a heartbeat.'),
    { kind: 'await-partition', topic: SCENARIO_ACKS_ALL_TOPIC, partition: 0, until: { kind: 'isr-size', size: 2 }, timeoutMs: FENCE_WAIT_MS, title: 'See the ISR shrink to 2 replicas' },
    { kind: 'produce', topic: SCENARIO_ACKS_ALL_TOPIC, acks: 'all', records: orderRecords(4, 3), title: 'Produce 3 more records with acks=all: 2 in sync are enough' },
    { kind: 'find-follower', topic: SCENARIO_ACKS_ALL_TOPIC, partition: 0, except: ['leader'], as: 'follower', title: 'Pick the remaining in-sync follower' },
    { kind: 'broker', action: 'kill', broker: 'follower', title: 'Kill that follower too' },
    {
      kind: 'await-partition',
      topic: SCENARIO_ACKS_ALL_TOPIC,
      partition: 0,
      until: { kind: 'isr-size', size: 1 },
      timeoutMs: FENCE_WAIT_MS,
      title: 'Wait until it is fenced and only the leader is in sync'
    },
    {
      kind: 'produce',
      topic: SCENARIO_ACKS_ALL_TOPIC,
      acks: 'all',
      records: orderRecords(7, 1),
      expectError: 'NOT_ENOUGH_REPLICAS',
      title: 'Produce with acks=all: refused with NOT_ENOUGH_REPLICAS',
      explain: '1 in-sync replica is fewer than min.insync.replicas=2, so the leader refuses the write instead of acknowledging what a single failure could lose.'
    }
  ]
}
