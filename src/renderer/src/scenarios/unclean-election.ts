/**
 * Scenario c): an unclean leader election loses data. A topic with replication factor 2,
 * unclean.leader.election.enable=true and min.insync.replicas=1: its follower is stopped, records
 * are written to the leader alone, then the leader is stopped and the stale follower started. No
 * in-sync replica is left, and unclean.leader.election.enable lets the controller elect the stale
 * follower from outside the ISR: the records only the old leader had are lost, and the engine's
 * records-lost event names their offsets (the new leader's log end to the old high watermark).
 * Must stay true: plain data (scenario-step.ts); it owns only its topic SCENARIO_UNCLEAN_TOPIC.
 */
import type { Scenario } from './scenario-step'
import { FENCE_WAIT_MS, orderRecords } from './kill-leader-acks-all'

/** The topic this scenario creates (Reset deletes it). */
export const SCENARIO_UNCLEAN_TOPIC = 'scenario-unclean'

/** Scenario c), see the module header. */
export const uncleanElection: Scenario = {
  id: 'unclean-election',
  title: 'Unclean election loses data',
  summary:
    'A one-partition topic with replication factor 2, unclean.leader.election.enable=true and min.insync.replicas=1. ' +
    'Its follower is stopped, 5 records go to the leader alone, then the leader is stopped and the stale follower started.',
  watch: [
    'With the follower stopped the ISR is the leader alone, and min.insync.replicas=1 lets it acknowledge writes nobody else has.',
    'With the leader stopped too, the partition is offline: its only in-sync replica is down.',
    'When the stale follower starts, unclean.leader.election.enable=true lets the controller make it leader from outside the ISR (an unclean election, Recent events).',
    'The records-lost event names the offsets that are gone: from the new leader\'s log end to the old high watermark. When the old leader comes back it truncates them from its log too.',
    'With unclean.leader.election.enable=false (Kafka\'s default) the partition would stay offline until the old leader returned, and nothing would be lost.'
  ],
  topic: SCENARIO_UNCLEAN_TOPIC,
  steps: [
    { kind: 'check-cluster', brokers: 2, title: 'Check that the brokers run normally' },
    {
      kind: 'create-topic',
      topic: SCENARIO_UNCLEAN_TOPIC,
      partitions: 1,
      replicationFactor: 2,
      configs: { 'unclean.leader.election.enable': 'true', 'min.insync.replicas': 1 },
      title: `Create ${SCENARIO_UNCLEAN_TOPIC} (1 partition, replication factor 2, unclean.leader.election.enable=true, min.insync.replicas=1)`
    },
    { kind: 'await-partition', topic: SCENARIO_UNCLEAN_TOPIC, partition: 0, until: { kind: 'isr-size', size: 2 }, timeoutMs: 15_000, title: 'Wait until both replicas are in the ISR' },
    { kind: 'produce', topic: SCENARIO_UNCLEAN_TOPIC, acks: 'all', records: orderRecords(1, 3), title: 'Produce 3 records both replicas have (acks=all)' },
    { kind: 'find-leader', topic: SCENARIO_UNCLEAN_TOPIC, partition: 0, as: 'leader', title: 'Find the leader of partition 0' },
    { kind: 'find-follower', topic: SCENARIO_UNCLEAN_TOPIC, partition: 0, except: [], as: 'follower', title: 'Find its follower' },
    { kind: 'broker', action: 'stop', broker: 'follower', title: 'Stop the follower' },
    { kind: 'await-partition', topic: SCENARIO_UNCLEAN_TOPIC, partition: 0, until: { kind: 'isr-size', size: 1 }, timeoutMs: FENCE_WAIT_MS, title: 'See the ISR shrink to the leader alone' },
    { kind: 'produce', topic: SCENARIO_UNCLEAN_TOPIC, acks: 'all', records: orderRecords(4, 5), title: 'Produce 5 records only the leader has (acks=all with 1 in sync)' },
    { kind: 'broker', action: 'stop', broker: 'leader', title: 'Stop the leader' },
    { kind: 'await-partition', topic: SCENARIO_UNCLEAN_TOPIC, partition: 0, until: { kind: 'offline' }, timeoutMs: FENCE_WAIT_MS, title: 'See the partition go offline' },
    { kind: 'broker', action: 'start', broker: 'follower', title: 'Start the stale follower' },
    {
      kind: 'await-partition',
      topic: SCENARIO_UNCLEAN_TOPIC,
      partition: 0,
      until: { kind: 'leader-is', broker: 'follower' },
      timeoutMs: FENCE_WAIT_MS,
      title: 'See it elected leader uncleanly, from outside the ISR'
    },
    { kind: 'await-event', event: 'records-lost', topic: SCENARIO_UNCLEAN_TOPIC, timeoutMs: 15_000, title: 'Read which offsets were lost (records-lost event)' },
    { kind: 'broker', action: 'start', broker: 'leader', title: 'Start the old leader: it truncates the lost records and follows' },
    { kind: 'await-partition', topic: SCENARIO_UNCLEAN_TOPIC, partition: 0, until: { kind: 'in-isr', broker: 'leader' }, timeoutMs: FENCE_WAIT_MS, title: 'Wait until it rejoins the ISR' }
  ]
}
