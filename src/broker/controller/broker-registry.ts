/**
 * BrokerRegistry: the brokers the controller knows (Kafka's ClusterControlManager registrations):
 * their ids, whether each is started (persisted in the metadata: a stopped broker, after a
 * controlled shutdown, stays stopped across a reopen), whether the controller fenced it (it missed
 * heartbeats for broker.session.timeout.ms: runtime only; see BrokerHeartbeatManager) and whether
 * its followers fetch (pauseFetching: runtime only, not persisted).
 *
 * Alive, in the controller's sense, is started and not fenced: such a broker may lead, be in an
 * ISR, and get replicas of new topics. Whether its process really runs (a killed broker is alive
 * here until it is fenced) is the fault injector's knowledge (../faults), given as `reachable`.
 *
 * Must stay true: ids are fixed at cluster creation; the controller is the lowest id among the
 * alive brokers that can reach the others (not killed, not isolated), -1 when there is none.
 */
import { KafkaError } from '../model/errors'
import type { BrokerMeta } from '../cluster/cluster-metadata'

/** The registry over the metadata's broker list (shared, so changes are persisted with it). */
export class BrokerRegistry {
  private readonly paused = new Set<number>()
  private readonly fenced = new Set<number>()
  /** Whether broker `id`'s process runs and reaches the other brokers (set by the fault injector). */
  reachable: (id: number) => boolean = () => true

  constructor(private readonly brokers: BrokerMeta[]) {}

  /** Every broker id, ascending. */
  ids(): number[] {
    return this.brokers.map((b) => b.id).sort((a, b) => a - b)
  }

  /** Ids of the alive (started, unfenced) brokers, ascending. */
  liveIds(): number[] {
    return this.ids().filter((id) => this.isAlive(id))
  }

  has(id: number): boolean {
    return this.brokers.some((b) => b.id === id)
  }

  /** Whether broker `id` is started (not stopped by a controlled shutdown). */
  isStarted(id: number): boolean {
    return this.brokers.find((b) => b.id === id)?.alive === true
  }

  /** Whether broker `id` is alive for the controller: started and not fenced. */
  isAlive(id: number): boolean {
    return this.isStarted(id) && !this.fenced.has(id)
  }

  /** Whether the controller fenced broker `id` (missed heartbeats). */
  isFenced(id: number): boolean {
    return this.fenced.has(id)
  }

  /** Started and its followers fetch (not paused). */
  isFetching(id: number): boolean {
    return this.isStarted(id) && !this.paused.has(id)
  }

  /** Sets whether broker `id` is started; returns whether that changed. */
  setAlive(id: number, alive: boolean): boolean {
    const b = this.brokers.find((x) => x.id === id)
    if (!b || b.alive === alive) return false
    b.alive = alive
    return true
  }

  /** Fences or unfences broker `id`; returns whether that changed. */
  setFenced(id: number, fenced: boolean): boolean {
    if (fenced === this.fenced.has(id)) return false
    if (fenced) this.fenced.add(id)
    else this.fenced.delete(id)
    return true
  }

  /** Pauses or resumes broker `id`'s fetching; returns whether that changed. */
  setFetchPaused(id: number, paused: boolean): boolean {
    if (paused === this.paused.has(id)) return false
    if (paused) this.paused.add(id)
    else this.paused.delete(id)
    return true
  }

  /** The active controller: the lowest alive id that can reach the others (-1 when none). */
  controllerId(): number {
    return this.liveIds().find((id) => this.reachable(id)) ?? -1
  }

  /** @throws KafkaError BROKER_NOT_AVAILABLE naming the known ids. */
  check(id: number): void {
    if (!this.has(id)) throw new KafkaError('BROKER_NOT_AVAILABLE', `Broker ${id} does not exist (brokers: ${this.ids().join(', ')})`)
  }
}
