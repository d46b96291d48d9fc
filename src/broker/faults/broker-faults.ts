/**
 * BrokerFaults: the faults injected into each broker of the embedded cluster, after franz-go
 * kfake's control hooks (ControlKey / KeepControl: a hook sees every request and may drop, delay or
 * answer it), reduced to what the failure playground needs:
 * - killed: the broker's process is gone, as after `kill -9` (no controlled shutdown);
 * - isolated: the process runs and clients still reach it, but it is cut off from the controller
 *   and the other brokers (heartbeats, replication and metadata updates fail);
 * - slowed by N ms: every request it serves or sends (fetch, produce, heartbeat) takes N ms more.
 *
 * The hooks (`canReach`, `delayMs`, `processRuns`) are what dispatch, the replica fetcher, the
 * heartbeats and the controller's publishing ask; no other part keeps fault state.
 *
 * Must stay true: runtime only (nothing here is persisted: a cluster that reopens starts with every
 * broker healthy); a killed broker is neither isolated nor slowed (killing clears them, a start
 * begins healthy).
 */

/** A broker's faults now. */
export interface BrokerFaultState {
  killed: boolean
  isolated: boolean
  /** Extra delay of every request it serves or sends, ms (0: not slowed). */
  slowMs: number
}

/** The per-broker fault state of a cluster. */
export class BrokerFaults {
  private readonly state = new Map<number, BrokerFaultState>()

  /** Broker `id`'s faults (all clear when none was injected). */
  of(id: number): BrokerFaultState {
    return { ...(this.state.get(id) ?? { killed: false, isolated: false, slowMs: 0 }) }
  }

  private set(id: number, patch: Partial<BrokerFaultState>): void {
    const next = { ...this.of(id), ...patch }
    if (!next.killed && !next.isolated && next.slowMs === 0) this.state.delete(id)
    else this.state.set(id, next)
  }

  /** Whether broker `id` was killed (and not started since). */
  isKilled(id: number): boolean {
    return this.state.get(id)?.killed === true
  }

  /** Whether broker `id` is isolated from the controller and the other brokers. */
  isIsolated(id: number): boolean {
    return this.state.get(id)?.isolated === true
  }

  /** Broker `id`'s extra delay per request, ms (0 when not slowed). */
  slowMs(id: number): number {
    return this.state.get(id)?.slowMs ?? 0
  }

  /** Whether broker `id`'s process runs (not killed). */
  processRuns(id: number): boolean {
    return !this.isKilled(id)
  }

  /** Whether broker `id` can talk to the controller and the other brokers (runs and is not isolated). */
  reachable(id: number): boolean {
    return !this.isKilled(id) && !this.isIsolated(id)
  }

  /** Whether a request from broker `from` reaches broker `to` (both reachable; a broker always reaches itself when it runs). */
  canReach(from: number, to: number): boolean {
    if (from === to) return this.processRuns(from)
    return this.reachable(from) && this.reachable(to)
  }

  /** The extra delay of a request from broker `from` to broker `to`, ms: each side's slowness adds up. */
  delayMs(from: number, to: number): number {
    return from === to ? this.slowMs(from) : this.slowMs(from) + this.slowMs(to)
  }

  /** Broker `id` was killed: only that remains of its faults. */
  kill(id: number): void {
    this.state.set(id, { killed: true, isolated: false, slowMs: 0 })
  }

  /** Broker `id` runs again, healthy. */
  started(id: number): void {
    this.state.delete(id)
  }

  /** Isolates (true) or reconnects broker `id`. */
  setIsolated(id: number, isolated: boolean): void {
    this.set(id, { isolated })
  }

  /** Slows broker `id` by `ms` per request (0 undoes it). */
  setSlow(id: number, ms: number): void {
    this.set(id, { slowMs: ms })
  }

  /** Every broker with a fault, by id. */
  all(): Map<number, BrokerFaultState> {
    return new Map([...this.state].map(([id, s]) => [id, { ...s }]))
  }
}
