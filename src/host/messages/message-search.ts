/**
 * MessageSearch: one running server-side search (contract messages/search-*). It scans its range
 * with a RecordScan, one turn at a time with a turn of the engine's loop (setImmediate) between
 * two, and keeps the matches until the UI polls them. The UI polls (messages/search-poll), which
 * streams matches and progress to it over either transport without pushing anything to other
 * windows, and a slow UI slows the scan instead of growing the host's memory.
 *
 * Bounds: at most BUFFER_RECORDS matches / BUFFER_BYTES of payload wait unpolled (the scan pauses
 * above them, resuming at the next poll); a poll returns at most POLL_RECORDS / POLL_BYTES; the
 * search stops at maxMatches (default DEFAULT_MAX_MATCHES) and at the scan's byte and time bounds.
 *
 * Must stay true: every match is delivered exactly once, in scan order (offset order per
 * partition); `done` is reported only once the search ended and every match was delivered; a
 * failure ends the search with stopReason 'failed' and its error, the matches found before it
 * are still delivered.
 */
import type { ClusterApi } from '../../broker/cluster/cluster-api'
import type { ContractError, RecordView, ResponseOf, SearchProgress, SearchQuery, SearchStopReason } from '../../shared/contract'
import { toContractError } from '../contract-error'
import { toRecordView } from '../contract-views'
import type { ConsumerRecord } from './engine-records'
import { RecordScan } from './record-scan'
import type { Session } from './session-registry'

/** Matches a search returns when the query does not say (maxMatches). */
export const DEFAULT_MAX_MATCHES = 10_000
/** Unpolled matches above which the scan pauses. */
const BUFFER_RECORDS = 4000
const BUFFER_BYTES = 8 * 1024 * 1024
/** Most matches one poll returns. */
const POLL_RECORDS = 2000
const POLL_BYTES = 4 * 1024 * 1024

type PollResult = ResponseOf<'messages/search-poll'>

/** How a search gives the engine's loop its turn between two scan turns (tests may pass their own). */
export type YieldTurn = () => Promise<void>

const setImmediateTurn: YieldTurn = () => new Promise((res) => setImmediate(res))

/** Options of a search besides its query. */
export interface MessageSearchOptions {
  /** How the loop gets its turn between two scan turns (default setImmediate). */
  yieldTurn?: YieldTurn
  /** Bytes a scan turn reads at most (RecordScanOptions.turnBytes). */
  turnBytes?: number
}

/** A running search; see the module comment. */
export class MessageSearch implements Session {
  private readonly scan: RecordScan
  private readonly maxMatches: number
  private buffer: ConsumerRecord[] = []
  private bufferBytes = 0
  private delivered = 0
  private error: ContractError | null = null
  private wake: (() => void) | null = null
  private resumeScan: (() => void) | null = null
  private closed = false
  private readonly yieldTurn: YieldTurn

  /**
   * Checks the query and starts scanning on the next turn of the loop.
   * @throws KafkaError UNKNOWN_TOPIC_OR_PARTITION or INVALID_REQUEST (a refused filter) before anything runs.
   */
  constructor(
    cluster: ClusterApi,
    query: SearchQuery,
    clock: () => number,
    options: MessageSearchOptions = {}
  ) {
    this.yieldTurn = options.yieldTurn ?? setImmediateTurn
    this.scan = new RecordScan(cluster, query, { clock, turnBytes: options.turnBytes })
    this.maxMatches = query.maxMatches ?? DEFAULT_MAX_MATCHES
    void this.run()
  }

  /** The search's progress now. */
  progress(): SearchProgress {
    return this.scan.progress()
  }

  /** Why the search ended, or null while it runs. */
  get stopReason(): SearchStopReason | null {
    return this.scan.ended
  }

  /**
   * The matches found since the last poll (bounded), waiting up to `waitMs` for one when there is
   * none and the search still runs.
   */
  async poll(waitMs = 0): Promise<PollResult> {
    if (this.buffer.length === 0 && this.scan.ended === null && waitMs > 0) {
      await new Promise<void>((res) => {
        const t = setTimeout(() => {
          this.wake = null
          res()
        }, waitMs)
        this.wake = () => {
          clearTimeout(t)
          this.wake = null
          res()
        }
      })
    }
    let n = 0
    let bytes = 0
    while (n < this.buffer.length && n < POLL_RECORDS && (n === 0 || bytes + this.buffer[n].sizeBytes <= POLL_BYTES)) bytes += this.buffer[n++].sizeBytes
    const taken = this.buffer.splice(0, n)
    this.bufferBytes -= bytes
    const matches: RecordView[] = taken.map(toRecordView)
    this.resumeScan?.()
    const ended = this.scan.ended
    return { matches, progress: this.progress(), done: ended !== null && this.buffer.length === 0, stopReason: ended, error: this.error }
  }

  /** Stops scanning; matches found so far stay pollable. */
  stop(): void {
    this.scan.end('stopped')
    this.resumeScan?.()
    this.wake?.()
  }

  /** Stops and drops what is buffered (the registry forgets the search). */
  close(): void {
    this.closed = true
    this.stop()
    this.buffer = []
    this.bufferBytes = 0
  }

  private async run(): Promise<void> {
    await this.yieldTurn()
    while (this.scan.ended === null && !this.closed) {
      if (this.buffer.length >= BUFFER_RECORDS || this.bufferBytes >= BUFFER_BYTES) {
        await new Promise<void>((res) => (this.resumeScan = res))
        this.resumeScan = null
        continue
      }
      try {
        const { matches } = this.scan.turn()
        this.accept(matches)
      } catch (e) {
        this.error = toContractError(e)
      }
      if (this.buffer.length > 0 || this.scan.ended !== null) this.wake?.()
      if (this.scan.ended === null) await this.yieldTurn()
    }
    this.wake?.()
  }

  private accept(matches: ConsumerRecord[]): void {
    const room = this.maxMatches - this.delivered
    const take = matches.length > room ? matches.slice(0, room) : matches
    for (const r of take) {
      this.buffer.push(r)
      this.bufferBytes += r.sizeBytes
    }
    this.delivered += take.length
    this.scan.countMatches(take.length)
    // Matches left out, or the limit reached with more to scan: the search stopped at its limit.
    if (take.length < matches.length || (this.delivered >= this.maxMatches && this.scan.ended === null)) this.scan.end('match-limit')
  }
}
