/**
 * FaultInjector: the brokers' lifecycle in the failure playground: stop (a controlled shutdown),
 * start, kill, slow, isolate and heal, and the heartbeats that let the controller notice what it
 * was not told (Kafka KRaft: BrokerHeartbeat, broker.session.timeout.ms, fencing).
 *
 * - stop: the controller is told (Controller.stopBroker): leaderships and ISR places go at once.
 * - kill: as `kill -9`: no controlled shutdown; the broker's in-memory state is lost (its
 *   Partitions, their pending acks=all waits and follower positions), its logs are dropped as they
 *   are (ReplicaLogStore.crashBroker: no flush, no checkpoints, no clean-shutdown marker), its
 *   listener closes with its connections (a 'broker-killed' event: BrokerState.alive is false). The
 *   controller learns it only when its heartbeats stop for broker.session.timeout.ms, then fences it.
 * - start: a stopped broker registers again; a killed one first has its old incarnation fenced (if
 *   the controller had not yet), then its log directory opens with crash recovery (the log loader's
 *   unclean-shutdown path), it registers, learns the registrations, truncates by leader epoch and
 *   catches up (ReplicaFetcher).
 * - slow N ms: every request it sends or serves takes N ms more: its heartbeats arrive late, its
 *   followers (and the followers fetching from it) fetch once per delay, the wire requests it serves
 *   are answered N ms late (see slowFrameHandler).
 * - isolate: it runs and clients reach it, but its heartbeats, its AlterPartition requests, its
 *   replication and the controller's registrations do not get through; after the session timeout
 *   it is fenced and the partitions it led elect new leaders, while it still believes it leads
 *   (acks=all writes to it time out; its high watermark cannot advance).
 * - heal: undoes slow and isolate; an isolated broker learns the registrations, heartbeats at once
 *   (unfenced), reconciles by leader epoch and catches up.
 *
 * Refusal rule (what a Kafka user expects of a fault tool): a fault needs a running broker, and a
 * fault command that would change nothing is refused, naming the broker's state: unknown ids
 * (BROKER_NOT_AVAILABLE naming the ids), kill / slow / isolate / heal of a stopped or killed broker
 * (BROKER_NOT_AVAILABLE), isolate of an isolated broker, slow by the delay it already has, heal of a
 * broker with no fault (INVALID_REQUEST), stop of a killed broker (BROKER_NOT_AVAILABLE: start it).
 * Stop of a stopped broker and start of a running one stay no-ops (as before the faults came).
 *
 * Must stay true: each method is one synchronous step that validates before it changes anything;
 * the controller's view (fenced, alive) changes only through heartbeats, a stop or a start, never
 * because a fault was injected; every fault, fence and unfence is a cluster event.
 */
import { KafkaError } from '../model/errors'
import { formatCount } from '../model/format-count'
import type { ClusterEventInput } from '../cluster/cluster-events'
import type { ReplicaLogStore } from '../cluster/replica-log'
import type { Controller } from '../controller/controller'
import type { BrokerHeartbeatManager } from '../controller/broker-heartbeat-manager'
import type { ReplicaManager } from '../server/replica-manager'
import type { BrokerFaults } from './broker-faults'

/** The most a broker may be slowed by, ms (5 minutes: far above any session or lag timeout). */
export const MAX_SLOW_MS = 300000

/** What the injector needs from its cluster. */
export interface FaultInjectorEnv {
  clock(): number
  controller: Controller
  heartbeats: BrokerHeartbeatManager
  faults: BrokerFaults
  /** Broker `id`'s ReplicaManager. */
  replicaManager(id: number): ReplicaManager
  store: ReplicaLogStore
  event(e: ClusterEventInput): void
}

/** A broker's lifecycle state as the fault tools see it. */
export type BrokerProcessState = 'running' | 'stopped' | 'killed'

/** The brokers' faults and heartbeats. Not thread-safe: the engine's event loop owns it. */
export class FaultInjector {
  constructor(private readonly env: FaultInjectorEnv) {
    env.controller.registry.reachable = (id) => env.faults.reachable(id)
    const now = env.clock()
    for (const id of env.controller.registry.ids()) if (env.controller.registry.isStarted(id)) env.heartbeats.register(id, now)
  }

  private get registry() {
    return this.env.controller.registry
  }

  /** Broker `id`'s process state. @throws KafkaError BROKER_NOT_AVAILABLE for an unknown id. */
  state(id: number): BrokerProcessState {
    this.registry.check(id)
    if (!this.registry.isStarted(id)) return 'stopped'
    return this.env.faults.isKilled(id) ? 'killed' : 'running'
  }

  /** Whether broker `id`'s process runs (started and not killed): it answers requests. */
  isRunning(id: number): boolean {
    return this.registry.has(id) && this.registry.isStarted(id) && !this.env.faults.isKilled(id)
  }

  /** @throws KafkaError BROKER_NOT_AVAILABLE when broker `id` is unknown or its process does not run (`what` names the fault). */
  private checkRunning(id: number, what: string): void {
    const s = this.state(id)
    if (s === 'stopped') throw new KafkaError('BROKER_NOT_AVAILABLE', `Cannot ${what} broker ${id}: it is stopped (a fault needs a running broker; start it first)`)
    if (s === 'killed') throw new KafkaError('BROKER_NOT_AVAILABLE', `Cannot ${what} broker ${id}: it was killed and is not running (start it first)`)
  }

  // ---- lifecycle -------------------------------------------------------------------------------

  /**
   * Controlled shutdown of broker `id` (see Controller.stopBroker); its faults go with its process.
   * No-op when it is stopped. @throws KafkaError BROKER_NOT_AVAILABLE for an unknown or killed broker.
   */
  stop(id: number): void {
    if (this.state(id) === 'killed') throw new KafkaError('BROKER_NOT_AVAILABLE', `Cannot stop broker ${id}: it was killed and is not running, so there is nothing to shut down (start it first)`)
    if (!this.registry.isStarted(id)) return
    this.env.faults.started(id)
    this.env.heartbeats.unregister(id)
    this.registry.setFenced(id, false)
    this.env.controller.stopBroker(id)
  }

  /**
   * Starts broker `id` (stopped or killed; see the module header). No-op when it runs.
   * @throws KafkaError BROKER_NOT_AVAILABLE for an unknown id; KAFKA_STORAGE_ERROR when a killed
   *   broker's log directory cannot be opened again.
   */
  start(id: number): void {
    const s = this.state(id)
    if (s === 'running') return
    const now = this.env.clock()
    if (s === 'stopped') {
      this.env.heartbeats.register(id, now)
      this.registry.setFenced(id, false)
      this.env.controller.startBroker(id)
      return
    }
    // A new incarnation: the controller fences the old one before it registers the new one.
    if (!this.registry.isFenced(id)) this.fence(id, now, ', because it registered again after a crash (a new incarnation)')
    this.env.store.restartBroker?.(id)
    const before = this.env.controller.controllerId
    this.env.faults.started(id)
    this.env.heartbeats.register(id, now)
    this.registry.setFenced(id, false)
    this.env.event({ kind: 'broker-started', severity: 'info', brokerId: id, message: `Broker ${id} started after it was killed: it recovered its logs as after a crash and registered; its replicas truncate by leader epoch and catch up` })
    this.env.event({ kind: 'broker-unfenced', severity: 'info', brokerId: id, sessionTimeoutMs: this.env.heartbeats.config.sessionTimeoutMs, message: `Broker ${id} is unfenced: it registered with the controller again` })
    this.env.controller.replication.republishBroker(id)
    this.env.controller.replication.brokerStarted(id, 'broker-started')
    this.env.controller.noteControllerChange(before)
  }

  /**
   * Kills broker `id` (see the module header): nothing is told to the controller.
   * @throws KafkaError BROKER_NOT_AVAILABLE for an unknown, stopped or killed broker.
   */
  kill(id: number): void {
    this.checkRunning(id, 'kill')
    const before = this.env.controller.controllerId
    const rm = this.env.replicaManager(id)
    const lost = new KafkaError('BROKER_NOT_AVAILABLE', `Broker ${id} was killed: the request was lost with it`)
    let replicas = 0
    // What its leaders acknowledged stays known to the controller (the records-lost report of a later election).
    this.env.controller.noteAcknowledged(id)
    for (const p of [...rm.allPartitions()]) {
      rm.removePartition(p.topic, p.id, lost)
      replicas++
    }
    this.env.store.crashBroker?.(id)
    this.env.faults.kill(id)
    this.env.heartbeats.dropInFlight(id)
    this.env.event({
      kind: 'broker-killed',
      severity: 'warning',
      brokerId: id,
      sessionTimeoutMs: this.env.heartbeats.config.sessionTimeoutMs,
      message: `Broker ${id} was killed (no controlled shutdown): its process state and in-flight requests are lost, its ${formatCount(replicas)} replica log(s) are recovered when it starts; the controller notices only when its heartbeats stop for broker.session.timeout.ms (${formatCount(this.env.heartbeats.config.sessionTimeoutMs)} ms)`
    })
    this.env.controller.noteControllerChange(before)
  }

  /**
   * Slows broker `id` by `delayMs` per request it sends or serves.
   * @throws KafkaError INVALID_REQUEST for a delay that is not an integer from 1 to MAX_SLOW_MS, or
   *   the delay it already has; BROKER_NOT_AVAILABLE for an unknown, stopped or killed broker.
   */
  slow(id: number, delayMs: number): void {
    if (!Number.isInteger(delayMs) || delayMs < 1 || delayMs > MAX_SLOW_MS)
      throw new KafkaError('INVALID_REQUEST', `The delay must be an integer from 1 to ${MAX_SLOW_MS} ms, got ${delayMs}`)
    this.checkRunning(id, 'slow')
    if (this.env.faults.slowMs(id) === delayMs) throw new KafkaError('INVALID_REQUEST', `Broker ${id} is already slowed by ${delayMs} ms`)
    this.env.faults.setSlow(id, delayMs)
    this.env.event({
      kind: 'broker-slowed',
      severity: 'warning',
      brokerId: id,
      delayMs,
      message: `Broker ${id} is slowed: every request it serves or sends (fetch, produce, heartbeat) takes ${formatCount(delayMs)} ms more`
    })
  }

  /**
   * Cuts broker `id` off from the controller and the other brokers (clients still reach it).
   * @throws KafkaError INVALID_REQUEST when it is isolated already; BROKER_NOT_AVAILABLE for an
   *   unknown, stopped or killed broker.
   */
  isolate(id: number): void {
    this.checkRunning(id, 'isolate')
    if (this.env.faults.isIsolated(id)) throw new KafkaError('INVALID_REQUEST', `Broker ${id} is already isolated`)
    const before = this.env.controller.controllerId
    this.env.faults.setIsolated(id, true)
    this.env.heartbeats.dropInFlight(id)
    this.env.event({
      kind: 'broker-isolated',
      severity: 'warning',
      brokerId: id,
      sessionTimeoutMs: this.env.heartbeats.config.sessionTimeoutMs,
      message: `Broker ${id} is isolated: clients still reach it, but its heartbeats and replication fail; the controller fences it after broker.session.timeout.ms (${formatCount(this.env.heartbeats.config.sessionTimeoutMs)} ms)`
    })
    this.env.controller.noteControllerChange(before)
  }

  /**
   * Undoes slow and isolate on broker `id`. An isolated broker learns the registrations it missed
   * and heartbeats at once (unfenced when it was fenced).
   * @throws KafkaError INVALID_REQUEST when it has no fault to heal; BROKER_NOT_AVAILABLE for an
   *   unknown, stopped or killed broker (a killed broker is started, not healed).
   */
  heal(id: number): void {
    this.checkRunning(id, 'heal')
    const { isolated, slowMs } = this.env.faults.of(id)
    if (!isolated && slowMs === 0) throw new KafkaError('INVALID_REQUEST', `Broker ${id} has no fault to heal: it is neither slowed nor isolated`)
    const before = this.env.controller.controllerId
    this.env.faults.setIsolated(id, false)
    this.env.faults.setSlow(id, 0)
    const undone = [isolated ? 'isolation' : null, slowMs > 0 ? `the ${formatCount(slowMs)} ms delay` : null].filter(Boolean).join(' and ')
    this.env.event({ kind: 'broker-healed', severity: 'info', brokerId: id, message: `Broker ${id} is healed (${undone} undone)${isolated ? ': it reaches the controller and the other brokers again' : ''}` })
    if (isolated) {
      this.env.controller.replication.republishBroker(id)
      const now = this.env.clock()
      this.env.heartbeats.register(id, now)
      if (this.registry.isFenced(id)) this.unfence(id)
    }
    this.env.controller.noteControllerChange(before)
  }

  // ---- heartbeats ------------------------------------------------------------------------------

  /**
   * The heartbeats at `now` (the cluster's tick): every running broker that reaches the controller
   * heartbeats when due (a slowed one late); a fenced broker whose heartbeat arrives is unfenced;
   * then every broker whose session lapsed is fenced.
   * @returns whether a broker was fenced or unfenced (leaderships may have moved).
   */
  tick(now: number): boolean {
    let changed = false
    for (const id of this.registry.ids()) {
      if (!this.isRunning(id) || !this.env.faults.reachable(id)) continue
      const arrived = this.env.heartbeats.heartbeat(id, now, this.env.faults.slowMs(id))
      if (arrived !== null && this.registry.isFenced(id)) {
        this.unfence(id)
        changed = true
      }
    }
    for (const id of this.env.heartbeats.expired(now)) {
      if (!this.registry.isStarted(id)) continue
      this.fence(id, now)
      changed = true
    }
    return changed
  }

  /** When the controller last heard from broker `id` (ms), or null when it has no session (stopped). */
  lastHeartbeatMs(id: number): number | null {
    return this.env.heartbeats.lastContactMs(id)
  }

  /** The controller fences broker `id`: it leaves every ISR (not the last member) and its leaderships move. */
  private fence(id: number, now: number, because = ''): void {
    const before = this.env.controller.controllerId
    const last = this.env.heartbeats.lastContactMs(id) ?? now
    const missed = now - last
    const timeout = this.env.heartbeats.config.sessionTimeoutMs
    this.registry.setFenced(id, true)
    this.env.heartbeats.setFenced(id, true)
    const why = because || ` after missing heartbeats for ${formatCount(missed)} ms (broker.session.timeout.ms = ${formatCount(timeout)} ms)`
    this.env.event({
      kind: 'broker-fenced',
      severity: 'warning',
      brokerId: id,
      missedHeartbeatMs: missed,
      sessionTimeoutMs: timeout,
      message: `Broker ${id} was fenced by the controller${why}: it leaves every ISR and its partitions elect new leaders from their ISR`
    })
    this.env.controller.replication.brokerStopped(id, 'fenced', why)
    this.env.controller.noteControllerChange(before)
  }

  /** A fenced broker heartbeats again: the controller unfences it; offline partitions whose ISR holds it get it as leader. */
  private unfence(id: number): void {
    const before = this.env.controller.controllerId
    this.registry.setFenced(id, false)
    this.env.heartbeats.setFenced(id, false)
    this.env.event({
      kind: 'broker-unfenced',
      severity: 'info',
      brokerId: id,
      sessionTimeoutMs: this.env.heartbeats.config.sessionTimeoutMs,
      message: `Broker ${id} is unfenced: its heartbeats reach the controller again; its replicas truncate by leader epoch, catch up and rejoin the ISRs`
    })
    this.env.controller.replication.brokerStarted(id, 'unfenced')
    this.env.controller.noteControllerChange(before)
  }
}
