/**
 * MetadataWriter: the controller's write path into the cluster metadata log (what Kafka's
 * QuorumController does when a ControllerWriteEvent appends its records to the Raft log and waits for
 * the commit). The controller changes the in-memory ClusterMetadata in a step and marks it dirty;
 * at the end of the step `persist()` appends the records that turn the last persisted image into
 * the current one (MetadataLog.persist, fsynced right after the step), and `write()` does it durably
 * at once for a step that must not go on without it (topic creation, added partitions, a new
 * producer id block; MetadataLog.persistDurably): when that fails, none of its records stay in the
 * log, so the step that rolls its change back in memory and the log agree.
 *
 * Must stay true: `MetadataLog.persist` and `persistDurably` are called here and nowhere else, and
 * what they return (the MetadataChange[] of the appended records) is handed to the controller's
 * MetadataEvents (./metadata-events.ts), which publishes an event for each change only once its
 * records are in the log (a failed write publishes none: its causes wait for the write that
 * succeeds); a failed write never fails the step that changed the state when it comes from
 * `persist` or the fsync after the step: it is reported once as a 'metadata-write-failed' event
 * (severity error) and retried at every later persist, and its recovery is reported once too
 * (severity info); once stopped (the cluster closed), nothing is written or reported.
 */
import { KafkaError } from '../model/errors'
import type { ClusterEventInput } from '../cluster/cluster-events'
import type { ClusterMetadata } from '../cluster/cluster-metadata'
import type { MetadataChange } from './metadata-change'
import type { MetadataLog } from './metadata-log'
import type { MetadataEvents } from './metadata-events'

/** The cluster metadata's write path: dirty tracking, persist at the end of a step, durable writes, retries. */
export class MetadataWriter {
  private dirty = false
  /** The last metadata write failed (e.g. ENOSPC): reported once, retried at every persist. */
  private failing = false
  private stopped = false

  /**
   * @param log the open metadata log. @param meta the cluster's in-memory metadata (the image persisted).
   * @param event where the write failures and recoveries are reported.
   * @param publisher the controller's MetadataEvents (asked at each write: the controller is made
   *   after this writer), told what each write appended or that it failed.
   */
  constructor(
    private readonly log: MetadataLog,
    private readonly meta: ClusterMetadata,
    private readonly event: (e: ClusterEventInput) => void,
    private readonly publisher: () => MetadataEvents | undefined = () => undefined
  ) {}

  /** The metadata changed in this step: the next persist writes it. */
  markDirty(): void {
    this.dirty = true
  }

  /**
   * Appends the metadata changes to the metadata log when something changed (fsynced right after the
   * step). A failed write (e.g. ENOSPC) never fails the step that changed the state: it is reported
   * once as an event and retried at every later persist. No-op once stopped.
   */
  persist(): void {
    if (!this.dirty || this.stopped) return
    try {
      this.write(false)
    } catch (e) {
      this.failed(e)
    }
  }

  /** Reports a failed metadata write once (until one succeeds again); the next persist retries it. */
  failed(e: unknown): void {
    this.dirty = true
    if (this.failing || this.stopped) return
    this.failing = true
    this.event({ kind: 'metadata-write-failed', severity: 'error', message: `${(e as Error).message}; the cluster keeps running and writes it again at the next change` })
  }

  /**
   * Appends the metadata changes to the metadata log now and, when `durable` (a step that must not
   * go on without it, e.g. creating a topic), fsyncs them before returning; a durable write that
   * fails leaves none of its records in the log (MetadataLog.persistDurably), the caller rolls its
   * change back.
   * @returns what the appended records changed (MetadataChange, in log order; empty when nothing did).
   * @throws KafkaError KAFKA_STORAGE_ERROR naming the metadata log when they cannot be written.
   */
  write(durable = true): MetadataChange[] {
    let changes: MetadataChange[]
    try {
      changes = durable ? this.log.persistDurably(this.meta) : this.log.persist(this.meta)
    } catch (e) {
      this.publisher()?.unpublished()
      if (e instanceof KafkaError) throw e
      throw new KafkaError('KAFKA_STORAGE_ERROR', `Cannot write the cluster metadata log ${this.log.dir}: ${(e as Error).message}`)
    }
    this.dirty = false
    if (this.failing) {
      this.failing = false
      this.event({ kind: 'metadata-write-failed', severity: 'info', message: `The cluster metadata log ${this.log.dir} is written again` })
    }
    this.publisher()?.published(changes)
    return changes
  }

  /** Stops writing and reporting (the cluster closed; MetadataLog.close writes the last image). Idempotent. */
  stop(): void {
    this.stopped = true
  }
}
