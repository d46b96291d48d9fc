/**
 * The steps of a guided experiment (issue 11, "scenario panel"), as data: a Scenario is a typed list
 * of ScenarioSteps that scenario-runner.ts carries out one after the other through the ordinary
 * contract requests (topic/create, produce/send, broker/kill|stop|start|isolate|heal,
 * cluster/elect-leaders, topic/describe and cluster/snapshot to wait for what the cluster does).
 *
 * Brokers are never named by id in a scenario: which broker leads a partition is only known when the
 * scenario runs, so a step that finds one (find-leader, find-follower, a wait for a new leader) binds
 * it to a variable name, and later steps refer to that name.
 *
 * Must stay true: a step only refers to variables an earlier step binds (unboundVariables checks it,
 * and the runner refuses a scenario that breaks it before sending anything); the shapes are plain
 * data (no functions), so a scenario can be shown before it runs.
 */
import type { Acks, ClusterEventView, ProduceRecordInput, TopicConfigOverridesJson } from '../../../shared/contract'

/** The name a step binds a broker id to, e.g. "leader"; later steps refer to it. */
export type BrokerVar = string

/** A fault or lifecycle request of the contract, for one broker: broker/<action>. */
export type BrokerAction = 'kill' | 'stop' | 'start' | 'isolate' | 'heal'

/**
 * What a partition wait (await-partition) waits for, read from topic/describe:
 * - new-leader: a leader (not -1) other than the broker in `from` (binds it to the step's `as`);
 * - leader-is: the broker in `broker` leads;
 * - isr-size: the ISR has exactly `size` members;
 * - in-isr: the broker in `broker` is in the ISR;
 * - offline: no leader (Kafka's leader -1, OfflinePartitionsCount).
 */
export type PartitionCondition =
  | { kind: 'new-leader'; from: BrokerVar }
  | { kind: 'leader-is'; broker: BrokerVar }
  | { kind: 'isr-size'; size: number }
  | { kind: 'in-isr'; broker: BrokerVar }
  | { kind: 'offline' }

/** Fields every step has: what the panel shows. */
interface StepBase {
  /** One line, imperative, e.g. "Kill the leader of partition 0". */
  title: string
  /** Optional: what this step shows, in plain words, under the title. */
  explain?: string
}

/**
 * One step of a scenario. Timeouts in ms; a wait polls every pollMs of the runner until its
 * condition holds or timeoutMs has passed (then the step fails, saying what it last saw).
 */
export type ScenarioStep = StepBase &
  (
    | {
        /** cluster/snapshot: `brokers` brokers exist, every one running, unfenced, not isolated or slowed; notes the newest event seq (await-event only sees later events). */
        kind: 'check-cluster'
        brokers: number
      }
    | { kind: 'create-topic'; topic: string; partitions: number; replicationFactor: number; configs?: TopicConfigOverridesJson }
    | {
        /** topic/delete; `missingOk`: a topic that does not exist (UNKNOWN_TOPIC_OR_PARTITION) counts as done. */
        kind: 'delete-topic'
        topic: string
        missingOk: boolean
      }
    | {
        /**
         * produce/send. Without `expectError` every record must be acknowledged. With it, the step is
         * done only when the send is refused (or fails) with that Kafka error, e.g. NOT_ENOUGH_REPLICAS.
         */
        kind: 'produce'
        topic: string
        acks: Acks
        records: ProduceRecordInput[]
        expectError?: string
      }
    | {
        /** topic/describe: binds `as` to the leader of the partition (fails when it has none). */
        kind: 'find-leader'
        topic: string
        partition: number
        as: BrokerVar
      }
    | {
        /** topic/describe: binds `as` to the first in-sync follower (replica order) that is not the leader nor any broker in `except`. */
        kind: 'find-follower'
        topic: string
        partition: number
        except: BrokerVar[]
        as: BrokerVar
      }
    | { kind: 'broker'; action: BrokerAction; broker: BrokerVar }
    | {
        /** Polls topic/describe until `until` holds; a new-leader wait binds the new leader to `as`. */
        kind: 'await-partition'
        topic: string
        partition: number
        until: PartitionCondition
        as?: BrokerVar
        timeoutMs: number
      }
    | {
        /** Polls cluster/snapshot until an event of `event` about `topic` newer than check-cluster's mark shows; its message becomes the step's detail. */
        kind: 'await-event'
        event: ClusterEventView['kind']
        topic: string
        timeoutMs: number
      }
    | {
        /** cluster/snapshot, then broker/start of every stopped or killed broker and broker/heal of every isolated or slowed one. */
        kind: 'restore-brokers'
      }
    | {
        /** Polls cluster/snapshot until every broker runs unfenced and no partition is under-replicated (every replica back in its ISR). */
        kind: 'await-in-sync'
        timeoutMs: number
      }
    | {
        /**
         * cluster/elect-leaders (kafka-leader-election, KIP-460) of every partition, or of `topic`
         * (and `partition`); fails when a partition's outcome is 'failed'.
         */
        kind: 'elect'
        electionType: 'preferred' | 'unclean'
        topic?: string
        partition?: number
      }
  )

/** A guided experiment: what it shows, what to watch while it runs, its steps, the topic it owns (Reset deletes it). */
export interface Scenario {
  /** Stable id, used in data-testid attributes (scenario-run-<id>). */
  id: string
  title: string
  /** Two or three sentences: what the experiment sets up and why. */
  summary: string
  /** What to look at while it runs and after, one point a line. */
  watch: string[]
  /** The topic the scenario creates; Reset deletes it. */
  topic: string
  steps: ScenarioStep[]
}

/** The variables a step reads (must be bound by an earlier step). */
export function variablesRead(step: ScenarioStep): BrokerVar[] {
  switch (step.kind) {
    case 'find-follower':
      return step.except
    case 'broker':
      return [step.broker]
    case 'await-partition':
      return step.until.kind === 'new-leader' ? [step.until.from] : step.until.kind === 'leader-is' || step.until.kind === 'in-isr' ? [step.until.broker] : []
    default:
      return []
  }
}

/** The variable a step binds, if any. */
export function variableBound(step: ScenarioStep): BrokerVar | null {
  if (step.kind === 'find-leader' || step.kind === 'find-follower') return step.as
  if (step.kind === 'await-partition') return step.as ?? null
  return null
}

/**
 * Checks that every variable a step reads was bound by an earlier step.
 * @returns one problem per unbound use, e.g. 'step 3 ("Kill the leader") uses "leader" before a step binds it'; empty when sound.
 */
export function unboundVariables(steps: readonly ScenarioStep[]): string[] {
  const bound = new Set<string>()
  const problems: string[] = []
  steps.forEach((s, i) => {
    for (const v of variablesRead(s)) if (!bound.has(v)) problems.push(`step ${i + 1} ("${s.title}") uses "${v}" before a step binds it`)
    const b = variableBound(s)
    if (b) bound.add(b)
  })
  return problems
}
