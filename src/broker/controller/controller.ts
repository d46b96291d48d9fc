/**
 * Controller: the cluster's active controller (after Kafka's QuorumController, without the quorum:
 * one process): the broker registry, replication control (topics, partitions, assignment, leader
 * election, ISR changes, see ./replication-control.ts), producer id blocks (./producer-id-control.ts)
 * and config control, with Kafka's rules and
 * messages for every request it takes. Every decision is written to the cluster metadata (persisted
 * at the end of the step, one record batch per step) and published to the brokers' ReplicaManagers;
 * a decision a user is told of registers its cause, and its cluster event is made from the appended
 * record (./metadata-events.ts), in its place among the step's events.
 *
 * Must stay true: each method is one synchronous step that validates before it changes anything;
 * the controller is the lowest alive broker id that can reach the others (BrokerRegistry); a broker
 * that stops leaves every ISR (but the last member of one) and gives up its leaderships at once (a
 * controlled shutdown); one that is killed or cut off keeps them until it is fenced for missing
 * heartbeats (../faults/fault-injector.ts); the automatic leader rebalance runs only when
 * auto.leader.rebalance.enable is true, at most once per leader.imbalance.check.interval.seconds
 * (./leader-rebalance-config.ts), and every leadership it moves is an event.
 */
import { KafkaError } from '../model/errors'
import { formatCount } from '../model/format-count'
import type { ClusterEventInput } from '../cluster/cluster-events'
import type { ClusterMetadata, TopicMeta } from '../cluster/cluster-metadata'
import type { LeaderElectionResult, LeaderElectionType, TopicConfigs } from '../cluster/cluster-api'
import { validateTopicConfigs } from '../cluster/topic-config'
import { validatePartitionCount, validateReplicationFactor } from '../cluster/topic-rules'
import { validateManualAssignment } from '../cluster/replica-assignment'
import { toLogConfig } from '../model/log-config'
import { validateTopicName } from '../model/topic-name'
import type { TopicConfigOverrides } from '../model/topic-configs'
import { OFFSETS_TOPIC } from '../group/committed-offsets'
import { BrokerRegistry } from './broker-registry'
import { newPartitionMeta, ReplicationControl, type ReplicationControlEnv } from './replication-control'
import { ProducerIdControl } from './producer-id-control'
import { leaderRebalanceConfig, type LeaderRebalanceConfig } from './leader-rebalance-config'
import { MetadataEvents, type ChangeCause, type EventOrder } from './metadata-events'

/** The zero uuid (Uuid.ZERO_UUID): the topic id of a topic that was only validated, never created. */
const ZERO_UUID = 'AAAAAAAAAAAAAAAAAAAAAA'


/** The active controller. */
export class Controller {
  readonly registry: BrokerRegistry
  readonly replication: ReplicationControl
  /** Producer id blocks for InitProducerId (Kafka's ProducerIdControlManager). */
  readonly producerIds: ProducerIdControl
  /** The automatic leader rebalance's configs (auto.leader.rebalance.enable and the two leader.imbalance.* configs). */
  readonly rebalance: LeaderRebalanceConfig
  /**
   * The events of metadata changes: the causes the controller registers, joined with the changes
   * the metadata log's persist returns (the cluster hands them to `published` after each append).
   */
  readonly metadataEvents: MetadataEvents
  private lastImbalanceCheckMs: number

  /**
   * @param env.rebalance the checked rebalance configs (leaderRebalanceConfig); Kafka's defaults
   *   when absent. @param env.eventLog the cluster event log (metadata change events take their
   *   places in its order).
   */
  constructor(
    meta: ClusterMetadata,
    private readonly env: ReplicationControlEnv & { newTopicId(): string; rebalance?: LeaderRebalanceConfig; eventLog: EventOrder }
  ) {
    this.rebalance = env.rebalance ?? leaderRebalanceConfig({})
    this.registry = new BrokerRegistry(meta.brokers)
    this.metadataEvents = new MetadataEvents(env.eventLog)
    this.replication = new ReplicationControl(meta, this.registry, env, this.metadataEvents)
    this.producerIds = new ProducerIdControl(meta)
    this.lastImbalanceCheckMs = env.clock()
  }

  /** The controller: the running broker with the lowest id (-1 when none runs). */
  get controllerId(): number {
    return this.registry.controllerId()
  }

  private event(e: ClusterEventInput): void {
    this.env.event(e)
  }

  /** Registers the `causes` of the changes just made; their events follow from the records the step's persist appends. */
  private commit(...causes: ChangeCause[]): void {
    this.metadataEvents.because(...causes)
  }

  // ---- brokers ---------------------------------------------------------------------------------

  /**
   * Stops broker `id` as a controlled shutdown (see ReplicationControl.brokerStopped); no-op when
   * it is stopped. @throws KafkaError BROKER_NOT_AVAILABLE for an unknown id.
   */
  stopBroker(id: number): void {
    this.registry.check(id)
    const controller = this.controllerId
    if (!this.registry.setAlive(id, false)) return
    this.env.metaChanged()
    this.commit({ kind: 'broker-stopped', severity: 'info', brokerId: id, message: `Broker ${id} stopped (a controlled shutdown): it gives up its leaderships and leaves the ISRs` })
    this.replication.brokerStopped(id)
    this.controllerMoved(controller)
  }

  /**
   * Starts broker `id`: offline partitions whose ISR holds it get it as leader; its replicas
   * reconcile with their leaders and catch up. No-op when it runs.
   * @throws KafkaError BROKER_NOT_AVAILABLE for an unknown id.
   */
  startBroker(id: number): void {
    this.registry.check(id)
    const controller = this.controllerId
    if (!this.registry.setAlive(id, true)) return
    this.env.metaChanged()
    this.commit({ kind: 'broker-started', severity: 'info', brokerId: id, message: `Broker ${id} started: its replicas catch up with their leaders` })
    this.replication.brokerStarted(id)
    this.controllerMoved(controller)
  }

  /** Broker `b` is about to lose its process state (a kill): see ReplicationControl.noteAcknowledged. */
  noteAcknowledged(b: number): void {
    this.replication.noteAcknowledged(b)
  }

  /** Reports a 'controller-moved' event when the controller is no longer `before` (after a fault, a fence, a start). */
  noteControllerChange(before: number): void {
    this.controllerMoved(before)
  }

  private controllerMoved(before: number): void {
    const now = this.controllerId
    if (now !== before)
      this.event({ kind: 'controller-moved', severity: 'info', brokerId: now, previousController: before, message: now < 0 ? 'No broker runs: there is no controller' : `Broker ${now} is the controller now (it was ${before < 0 ? 'none' : `broker ${before}`})` })
  }

  /** Pauses or resumes broker `id`'s fetching. @throws KafkaError BROKER_NOT_AVAILABLE for an unknown id. @returns whether it changed. */
  setFetchPaused(id: number, paused: boolean): boolean {
    this.registry.check(id)
    return this.registry.setFetchPaused(id, paused)
  }

  // ---- topics ----------------------------------------------------------------------------------

  /** The topic's metadata. @throws KafkaError UNKNOWN_TOPIC_OR_PARTITION. */
  topicOrThrow(name: string): TopicMeta {
    const t = this.replication.topic(name)
    if (!t) throw new KafkaError('UNKNOWN_TOPIC_OR_PARTITION', `This server does not host this topic-partition: topic ${name} does not exist`)
    return t
  }

  /**
   * Creates a topic (Kafka's CreateTopics rules and messages): replicas assigned over the live
   * brokers, leader = first replica, ISR = all replicas; all or nothing (ReplicationControl).
   * @throws KafkaError INVALID_TOPIC_EXCEPTION (name rule, collision on '.'/'_', reserved name),
   *   TOPIC_ALREADY_EXISTS, INVALID_PARTITIONS, INVALID_REPLICATION_FACTOR, INVALID_CONFIG,
   *   POLICY_VIOLATION (the replica budget), KAFKA_STORAGE_ERROR (a log or the metadata could not be written),
   *   INVALID_REPLICA_ASSIGNMENT (a bad manual `assignment`: see validateManualAssignment).
   * `assignment`: the replicas of each partition (CreateTopics' assignments; `partitions` and
   * `replicationFactor` must then match it). `validateOnly`: every check runs, nothing is created,
   * and the topic it would create is returned (not registered; its topic id is the zero uuid).
   */
  createTopic(
    name: string,
    opts: { partitions: number; replicationFactor: number; configs?: TopicConfigOverrides; assignment?: number[][]; validateOnly?: boolean }
  ): TopicMeta {
    validateTopicName(name)
    if (this.replication.topic(name)) throw new KafkaError('TOPIC_ALREADY_EXISTS', `Topic '${name}' already exists.`)
    if (name === OFFSETS_TOPIC) throw new KafkaError('INVALID_TOPIC_EXCEPTION', `Topic name ${name} is reserved for Kafka's internal offsets topic`)
    const collides = this.replication.topics().find((t) => t.name.replace(/\./g, '_') === name.replace(/\./g, '_'))
    if (collides) throw new KafkaError('INVALID_TOPIC_EXCEPTION', `Topic '${name}' collides with existing topic: ${collides.name}`)
    validatePartitionCount(opts?.partitions)
    if (opts.assignment) {
      if (opts.assignment.length !== opts.partitions)
        throw new KafkaError('INVALID_REPLICA_ASSIGNMENT', `The manual assignment lists ${opts.assignment.length} partition(s), not ${opts.partitions}.`)
      validateManualAssignment(opts.assignment, this.registry.ids(), this.registry.liveIds(), { expectedReplicas: opts.replicationFactor })
    } else validateReplicationFactor(opts.replicationFactor, this.registry.liveIds().length)
    const configs = validateTopicConfigs(opts.configs as Partial<Record<string, unknown>> | undefined)
    if (opts.validateOnly) {
      const planned = this.replication.planTopic(name, opts.partitions, opts.replicationFactor, opts.assignment)
      return { name, topicId: ZERO_UUID, internal: false, configs, partitions: planned.map(newPartitionMeta) }
    }
    const cause: ChangeCause = { kind: 'topic-created', severity: 'info', topic: name, message: `Topic ${name} was created with ${formatCount(opts.partitions)} partition(s), replication factor ${opts.replicationFactor}` }
    return this.replication.createTopic(name, opts.partitions, opts.replicationFactor, configs, false, this.env.newTopicId(), opts.assignment, cause)
  }

  /** Creates an internal topic (e.g. __consumer_offsets) with already validated `configs`; its logs open on first write. */
  createInternalTopic(name: string, partitions: number, rf: number, configs: TopicConfigs): TopicMeta {
    const cause: ChangeCause = { kind: 'topic-created', severity: 'info', topic: name, message: `Internal topic ${name} was created with ${formatCount(partitions)} partition(s), replication factor ${rf}, on its first use` }
    return this.replication.createTopic(name, partitions, rf, configs, true, this.env.newTopicId(), undefined, cause)
  }

  /**
   * Adds partitions (Kafka's CreatePartitions rules and messages). Existing partitions keep their
   * records; keys hash over the new count from now on.
   * @throws KafkaError UNKNOWN_TOPIC_OR_PARTITION; INVALID_PARTITIONS when not an increase or for
   *   __consumer_offsets; INVALID_REPLICATION_FACTOR when fewer brokers run than the replication
   *   factor; POLICY_VIOLATION; KAFKA_STORAGE_ERROR; INVALID_REPLICA_ASSIGNMENT (a bad manual
   *   `assignment` of the added partitions, or not one per added partition).
   * `validateOnly`: every check runs, nothing changes.
   */
  createPartitions(name: string, count: number, opts: { assignment?: number[][]; validateOnly?: boolean } = {}): TopicMeta {
    const t = this.topicOrThrow(name)
    validatePartitionCount(count)
    const current = t.partitions.length
    if (name === OFFSETS_TOPIC) throw new KafkaError('INVALID_PARTITIONS', `The partition count of ${OFFSETS_TOPIC} decides each group's coordinator; it cannot change.`)
    if (count === current) throw new KafkaError('INVALID_PARTITIONS', `Topic already has ${current} partition(s).`)
    if (count < current) throw new KafkaError('INVALID_PARTITIONS', `The topic ${name} currently has ${current} partition(s); ${count} would not be an increase.`)
    if (opts.assignment) {
      if (opts.assignment.length !== count - current)
        throw new KafkaError('INVALID_REPLICA_ASSIGNMENT', `Attempted to add ${count - current} additional partition(s), but only ${opts.assignment.length} assignment(s) were specified.`)
      validateManualAssignment(opts.assignment, this.registry.ids(), this.registry.liveIds(), { firstPartition: current, expectedReplicas: t.partitions[0].replicas.length })
    }
    if (opts.validateOnly) {
      this.replication.planPartitions(t, count, opts.assignment)
      return t
    }
    const cause: ChangeCause = { kind: 'partitions-added', severity: 'info', topic: name, message: `Topic ${name} grew from ${formatCount(current)} to ${formatCount(count)} partitions; keys hash over ${formatCount(count)} from now on` }
    this.replication.createPartitions(t, count, opts.assignment, cause)
    return t
  }

  /**
   * Changes configs (kafka-configs --alter): validated against Kafka's rules, merged onto the
   * topic's, applied to every replica's log. @throws KafkaError UNKNOWN_TOPIC_OR_PARTITION, INVALID_CONFIG.
   */
  alterTopicConfigs(name: string, configs: TopicConfigOverrides, applyToLogs: (t: TopicMeta, config: ReturnType<typeof toLogConfig>) => void): TopicMeta {
    const t = this.topicOrThrow(name)
    const next = validateTopicConfigs(configs as Partial<Record<string, unknown>>, t.configs)
    t.configs = next
    applyToLogs(t, toLogConfig(next))
    this.env.metaChanged()
    this.commit({ kind: 'configs-changed', severity: 'info', topic: name, message: `Configs of topic ${name} changed: ${Object.keys(configs).join(', ')}` })
    // Kafka's controller elects the leaderless partitions of a topic whose unclean.leader.election.enable turned true.
    if (this.replication.uncleanAllowed(t))
      for (let i = 0; i < t.partitions.length; i++)
        if (t.partitions[i].leader < 0) this.replication.elect(t, i, 'replica-order', 'unclean.leader.election.enable was set to true on an offline partition')
    return t
  }

  /** Deletes a topic. @throws KafkaError UNKNOWN_TOPIC_OR_PARTITION; INVALID_REQUEST for an internal topic. */
  deleteTopic(name: string): void {
    const t = this.topicOrThrow(name)
    if (t.internal) throw new KafkaError('INVALID_REQUEST', `Topic ${name} is internal and cannot be deleted`)
    this.replication.deleteTopic(t)
    this.commit({ kind: 'topic-deleted', severity: 'info', topic: name, message: `Topic ${name} was deleted` })
  }

  // ---- leader balance --------------------------------------------------------------------------

  /**
   * Preferred leader election for every partition, or those of `topic`, or only its `partition`;
   * `catchUp(t, i)` runs a replication round of a partition first. @returns the partitions whose
   * leader moved. @throws KafkaError UNKNOWN_TOPIC_OR_PARTITION.
   */
  electPreferredLeaders(
    topic: string | undefined,
    catchUp: (t: string, i: number) => void,
    partition?: number
  ): { topic: string; partition: number; leader: number }[] {
    const topics = topic === undefined ? this.replication.topics() : [this.topicOrThrow(topic)]
    if (partition !== undefined && topic !== undefined && !(Number.isInteger(partition) && partition >= 0 && partition < topics[0].partitions.length))
      throw new KafkaError('UNKNOWN_TOPIC_OR_PARTITION', `Partition ${partition} of topic ${topic} does not exist (topic has ${topics[0].partitions.length} partitions)`)
    const moved: { topic: string; partition: number; leader: number }[] = []
    for (const t of topics)
      for (let i = 0; i < t.partitions.length; i++)
        if ((partition === undefined || i === partition) && this.replication.electPreferred(t, i, () => catchUp(t.name, i))) moved.push({ topic: t.name, partition: i, leader: t.partitions[i].leader })
    return moved
  }

  /**
   * Leader election asked for (ElectLeaders, kafka-leader-election, cluster/elect-leaders) of every
   * partition, or those of `topic`, or only its `partition`: 'preferred' moves leadership to the first
   * replica (ReplicationControl.electPreferred), 'unclean' elects a leaderless partition, from outside
   * the ISR when no in-sync replica is left (ReplicationControl.electUnclean). `catchUp(t, i)` runs a
   * replication round of a partition first (preferred). One result per partition asked, in order:
   * 'elected' (leadership moved: previous and new leader, new epoch), 'not-needed' (Kafka's
   * ELECTION_NOT_NEEDED: the preferred replica leads / the partition has a leader), 'failed'
   * (PREFERRED_LEADER_NOT_AVAILABLE or ELIGIBLE_LEADERS_NOT_AVAILABLE, with why).
   * @throws KafkaError UNKNOWN_TOPIC_OR_PARTITION for an unknown topic or partition.
   */
  electLeaders(type: LeaderElectionType, topic: string | undefined, partition: number | undefined, catchUp: (t: string, i: number) => void): LeaderElectionResult[] {
    const topics = topic === undefined ? this.replication.topics() : [this.topicOrThrow(topic)]
    if (partition !== undefined && topic !== undefined && !(Number.isInteger(partition) && partition >= 0 && partition < topics[0].partitions.length))
      throw new KafkaError('UNKNOWN_TOPIC_OR_PARTITION', `Partition ${partition} of topic ${topic} does not exist (topic has ${topics[0].partitions.length} partitions)`)
    const out: LeaderElectionResult[] = []
    for (const t of topics)
      for (let i = 0; i < t.partitions.length; i++) {
        if (partition !== undefined && i !== partition) continue
        const pm = t.partitions[i]
        const before = { leader: pm.leader, leaderEpoch: pm.leaderEpoch }
        const base = { topic: t.name, partition: i, previousLeader: before.leader }
        const name = `${t.name}-${i}`
        if (type === 'preferred') {
          const preferred = pm.replicas[0]
          if (pm.leader === preferred) {
            out.push({ ...base, outcome: 'not-needed', leader: pm.leader, leaderEpoch: pm.leaderEpoch, error: { code: 'ELECTION_NOT_NEEDED', message: `Leader election not needed for topic partition ${name}: its preferred replica, broker ${preferred}, leads` } })
            continue
          }
          if (this.replication.electPreferred(t, i, () => catchUp(t.name, i))) {
            out.push({ ...base, outcome: 'elected', leader: pm.leader, leaderEpoch: pm.leaderEpoch })
            continue
          }
          const why =
            pm.leader < 0
              ? 'the partition is offline'
              : !pm.isr.includes(preferred)
                ? `broker ${preferred} is not in the ISR [${pm.isr.join(', ')}]`
                : !this.replication.usable(preferred, t.name, i)
                  ? `broker ${preferred} is stopped or its log is offline`
                  : `broker ${preferred} does not hold everything the leader has`
          out.push({ ...base, outcome: 'failed', leader: pm.leader, leaderEpoch: pm.leaderEpoch, error: { code: 'PREFERRED_LEADER_NOT_AVAILABLE', message: `Failed to elect the preferred leader of ${name}: ${why}` } })
        } else {
          if (pm.leader >= 0) {
            out.push({ ...base, outcome: 'not-needed', leader: pm.leader, leaderEpoch: pm.leaderEpoch, error: { code: 'ELECTION_NOT_NEEDED', message: `Leader election not needed for topic partition ${name}: broker ${pm.leader} leads` } })
            continue
          }
          if (this.replication.electUnclean(t, i)) out.push({ ...base, outcome: 'elected', leader: pm.leader, leaderEpoch: pm.leaderEpoch })
          else
            out.push({ ...base, outcome: 'failed', leader: pm.leader, leaderEpoch: pm.leaderEpoch, error: { code: 'ELIGIBLE_LEADERS_NOT_AVAILABLE', message: `${name} has no running replica with a usable log that could lead it` } })
        }
      }
    return out
  }

  /**
   * Kafka's checkAndTriggerAutoLeaderRebalance, every leader.imbalance.check.interval.seconds
   * (default 300 s) when auto.leader.rebalance.enable is true (never when false): preferred elections
   * on running brokers whose share of partitions (those it is the preferred replica of) not led by
   * them exceeds leader.imbalance.per.broker.percentage (default 10 %). Each partition whose
   * leadership moves is one 'leader-elected' event with reason 'auto-leader-rebalance'.
   * @param now the cluster clock, ms.
   * @returns how many partitions changed leader.
   */
  maybeRebalanceLeaders(now: number, catchUp: (t: string, i: number) => void): number {
    if (!this.rebalance.enable) return 0
    if (now - this.lastImbalanceCheckMs < this.rebalance.checkIntervalMs) return 0
    this.lastImbalanceCheckMs = now
    let moved = 0
    const preferredOf = new Map<number, { t: TopicMeta; i: number }[]>()
    for (const t of this.replication.topics())
      for (let i = 0; i < t.partitions.length; i++) {
        const b = t.partitions[i].replicas[0]
        preferredOf.set(b, [...(preferredOf.get(b) ?? []), { t, i }])
      }
    for (const [broker, parts] of preferredOf) {
      if (!this.registry.isAlive(broker)) continue
      const notLed = parts.filter(({ t, i }) => t.partitions[i].leader !== broker).length
      if ((notLed * 100) / parts.length > this.rebalance.imbalancePerBrokerPercentage)
        for (const { t, i } of parts) if (this.replication.electPreferred(t, i, () => catchUp(t.name, i), 'auto-leader-rebalance')) moved++
    }
    return moved
  }
}
