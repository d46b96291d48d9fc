/**
 * BrokerRegistry: the brokers the controller knows (Kafka's ClusterControlManager registrations):
 * their ids, whether each runs (persisted in the metadata: a stopped broker stays stopped across a
 * reopen) and whether its followers fetch (pauseFetching: runtime only, not persisted).
 *
 * Must stay true: ids are fixed at cluster creation; the controller is the running broker with the
 * lowest id (-1 when none runs).
 */
import { KafkaError } from '../model/errors'
import type { BrokerMeta } from '../cluster/cluster-metadata'

/** The registry over the metadata's broker list (shared, so changes are persisted with it). */
export class BrokerRegistry {
  private readonly paused = new Set<number>()

  constructor(private readonly brokers: BrokerMeta[]) {}

  /** Every broker id, ascending. */
  ids(): number[] {
    return this.brokers.map((b) => b.id).sort((a, b) => a - b)
  }

  /** Ids of the running brokers, ascending. */
  liveIds(): number[] {
    return this.ids().filter((id) => this.isAlive(id))
  }

  has(id: number): boolean {
    return this.brokers.some((b) => b.id === id)
  }

  /** Whether broker `id` runs. */
  isAlive(id: number): boolean {
    return this.brokers.find((b) => b.id === id)?.alive === true
  }

  /** Running and its followers fetch. */
  isFetching(id: number): boolean {
    return this.isAlive(id) && !this.paused.has(id)
  }

  /** Sets whether broker `id` runs; returns whether that changed. */
  setAlive(id: number, alive: boolean): boolean {
    const b = this.brokers.find((x) => x.id === id)
    if (!b || b.alive === alive) return false
    b.alive = alive
    return true
  }

  /** Pauses or resumes broker `id`'s fetching; returns whether that changed. */
  setFetchPaused(id: number, paused: boolean): boolean {
    if (paused === this.paused.has(id)) return false
    if (paused) this.paused.add(id)
    else this.paused.delete(id)
    return true
  }

  /** The active controller: the running broker with the lowest id (-1 when none runs). */
  controllerId(): number {
    return this.liveIds()[0] ?? -1
  }

  /** @throws KafkaError BROKER_NOT_AVAILABLE naming the known ids. */
  check(id: number): void {
    if (!this.has(id)) throw new KafkaError('BROKER_NOT_AVAILABLE', `Broker ${id} does not exist (brokers: ${this.ids().join(', ')})`)
  }
}
