/**
 * Scenario b): isolate the leader of a partition (a network partition: it is up, clients on the
 * machine still reach it, but its heartbeats and its followers' fetches fail). Its followers cannot
 * fetch, so it cannot advance its high watermark; the controller fences it after
 * broker.session.timeout.ms and elects a new leader from the ISR; healed, it is unfenced, truncates
 * to the new leader epoch, catches up and rejoins the ISR.
 * Must stay true: plain data (scenario-step.ts); it owns only its topic SCENARIO_ISOLATE_TOPIC.
 */
import type { Scenario } from './scenario-step'
import { awaitFenceElection, durableTopicSteps, FENCE_WAIT_MS, orderRecords } from './kill-leader-acks-all'

/** The topic this scenario creates (Reset deletes it). */
export const SCENARIO_ISOLATE_TOPIC = 'scenario-isolate'

/** Scenario b), see the module header. */
export const isolateLeader: Scenario = {
  id: 'isolate-leader',
  title: 'Isolate a leader',
  summary:
    'A one-partition topic with replication factor 3 and min.insync.replicas=2 gets a few records; then its leader is cut off ' +
    'from the controller and the other brokers, as in a network partition, and later healed.',
  watch: [
    'The isolated leader still runs, but its followers cannot fetch from it: it cannot advance its high watermark, so nothing written to it now would be acknowledged with acks=all.',
    'Its heartbeats do not reach the controller: after broker.session.timeout.ms (9 s by default) it is fenced and a follower from the ISR becomes leader with a higher leader epoch.',
    'acks=all writes go on through the new leader with 2 replicas in sync.',
    'After Heal its next heartbeat unfences it; it truncates to the new leader epoch, catches up and rejoins the ISR (Recent events: broker-unfenced, isr-expand).'
  ],
  topic: SCENARIO_ISOLATE_TOPIC,
  steps: [
    ...durableTopicSteps(SCENARIO_ISOLATE_TOPIC),
    { kind: 'broker', action: 'isolate', broker: 'leader', title: 'Isolate the leader from the controller and the other brokers' },
    awaitFenceElection(SCENARIO_ISOLATE_TOPIC, 'The isolated broker keeps running, but no heartbeat of it arrives for broker.session.timeout.ms.'),
    { kind: 'await-partition', topic: SCENARIO_ISOLATE_TOPIC, partition: 0, until: { kind: 'isr-size', size: 2 }, timeoutMs: FENCE_WAIT_MS, title: 'See the ISR shrink to 2 replicas' },
    { kind: 'produce', topic: SCENARIO_ISOLATE_TOPIC, acks: 'all', records: orderRecords(4, 3), title: 'Produce 3 more records with acks=all through the new leader' },
    { kind: 'broker', action: 'heal', broker: 'leader', title: 'Heal the old leader' },
    {
      kind: 'await-partition',
      topic: SCENARIO_ISOLATE_TOPIC,
      partition: 0,
      until: { kind: 'in-isr', broker: 'leader' },
      timeoutMs: FENCE_WAIT_MS,
      title: 'Wait until it catches up and rejoins the ISR'
    }
  ]
}
