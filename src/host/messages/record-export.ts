/**
 * RecordExport: one export being written (contract messages/export-*). Its text is produced piece
 * by piece as its reader asks (messages/export-read: the web host's download, the desktop app's
 * save), so a file of any size streams in bounded memory and the engine's loop gets a turn between
 * two pieces. Sources:
 * - search: the query is scanned again (RecordScan) and every match written; the query's
 *   maxMatches bounds it when given, else every match of the range is written;
 * - records: the given (partition, offset) pairs, in the order given (the page's or the selection's
 *   order), read in windows of WINDOW records sorted by partition and offset; a pair naming no
 *   record (compacted away, deleted by retention) is left out and counted in `missing`.
 *
 * Must stay true: the text read, concatenated, is one valid file of the format (export-format.ts)
 * holding each exported record once; a piece is about PIECE_BYTES (at least one record) and takes
 * about PIECE_MS at most; progress counts the records and bytes handed out.
 */
import type { ClusterApi } from '../../broker/cluster/cluster-api'
import type { ContractError, ExportFormat, ExportProgress, ExportSource } from '../../shared/contract'
import { toContractError } from '../contract-error'
import { readChunk, selectPartitions, type ConsumerRecord } from './engine-records'
import { exportFooter, exportHeader, exportRecordText, toExportedRecord } from './export-format'
import { RecordScan } from './record-scan'
import type { Session } from './session-registry'

/** Text per export-read, in UTF-16 code units (about bytes for ASCII). */
const PIECE_CHARS = 1024 * 1024
/** Longest one export-read spends scanning, in ms. */
const PIECE_MS = 50
/** Bytes of records one scan turn of an export reads: a piece overshoots PIECE_CHARS by about one turn's text at most. */
const TURN_BYTES = 256 * 1024
/** Records pairs read together (sorted) from a `records` source. */
const WINDOW = 5000

/** One piece of an export's text. */
export interface ExportPiece {
  text: string
  done: boolean
  progress: ExportProgress
}

/** An export being written; see the module comment. */
export class RecordExport implements Session {
  private written = 0
  private bytes = 0
  private started = false
  private finished = false
  private error: ContractError | null = null
  private readonly scan: RecordScan | null
  private readonly pairs: { partition: number; offset: number }[]
  private pairIndex = 0
  /** Pairs of a records source that named no record. */
  missing = 0

  /**
   * Checks the source (topic, partitions, filters) before anything is written.
   * @throws KafkaError UNKNOWN_TOPIC_OR_PARTITION, INVALID_REQUEST for a refused filter.
   */
  constructor(
    private readonly cluster: ClusterApi,
    readonly format: ExportFormat,
    readonly source: ExportSource,
    clock: () => number,
    private readonly monotonic: () => number = () => performance.now()
  ) {
    if (source.kind === 'search') {
      this.scan = new RecordScan(cluster, { ...source.query, maxMatches: undefined }, { clock, turnBytes: TURN_BYTES })
      this.limit = source.query.maxMatches ?? Number.POSITIVE_INFINITY
      this.pairs = []
    } else {
      this.scan = null
      this.limit = Number.POSITIVE_INFINITY
      selectPartitions(cluster, source.topic, [...new Set(source.records.map((r) => r.partition))])
      this.pairs = source.records
    }
  }

  private readonly limit: number

  /** The topic exported. */
  get topic(): string {
    return this.source.kind === 'search' ? this.source.query.topic : this.source.topic
  }

  /** Records and bytes written so far, and the part of the input read (0 to 1). */
  progress(): ExportProgress {
    const fraction = this.finished
      ? 1
      : this.scan
        ? this.scan.fraction
        : this.pairs.length === 0
          ? 1
          : this.pairIndex / this.pairs.length
    return { records: this.written, bytes: this.bytes, fraction }
  }

  /** Whether the whole file has been read. */
  get done(): boolean {
    return this.finished
  }

  /** The error that ended the export, or null. */
  get failure(): ContractError | null {
    return this.error
  }

  /**
   * The next piece of the file's text; after the last piece `done` is true (and stays so, with
   * empty text).
   * @throws KafkaError when reading fails (the export then fails: `failure` holds the error).
   */
  read(): ExportPiece {
    if (this.error) throw new Error(`${this.error.code}: ${this.error.message}`)
    if (this.finished) return { text: '', done: true, progress: this.progress() }
    const parts: string[] = []
    let chars = 0
    const add = (r: ConsumerRecord) => {
      const text = exportRecordText(this.format, toExportedRecord(r), this.written)
      parts.push(text)
      chars += text.length
      this.written++
      this.bytes += Buffer.byteLength(text)
    }
    if (!this.started) {
      this.started = true
      const head = exportHeader(this.format)
      parts.push(head)
      this.bytes += Buffer.byteLength(head)
    }
    const t0 = this.monotonic()
    try {
      let more = true
      while (more && chars < PIECE_CHARS && this.monotonic() - t0 < PIECE_MS) more = this.scan ? this.scanStep(add) : this.pairStep(add)
      if (!more) {
        const foot = exportFooter(this.format, this.written)
        parts.push(foot)
        this.bytes += Buffer.byteLength(foot)
        this.finished = true
      }
    } catch (e) {
      this.error = toContractError(e)
      throw e
    }
    return { text: parts.join(''), done: this.finished, progress: this.progress() }
  }

  /** Stops the export (its scan). */
  close(): void {
    this.scan?.end('stopped')
    this.finished = true
  }

  /** One scan turn; false once the scan ended or the limit was reached. */
  private scanStep(add: (r: ConsumerRecord) => void): boolean {
    const scan = this.scan as RecordScan
    const { matches, ended } = scan.turn()
    for (const r of matches) {
      if (this.written >= this.limit) break
      add(r)
    }
    scan.countMatches(matches.length)
    if (this.written >= this.limit) return false
    return ended === null
  }

  /** One window of a records source; false once every pair was handled. */
  private pairStep(add: (r: ConsumerRecord) => void): boolean {
    if (this.pairIndex >= this.pairs.length) return false
    const window = this.pairs.slice(this.pairIndex, this.pairIndex + WINDOW)
    const found = new Map<string, ConsumerRecord>()
    const sorted = [...window].sort((a, b) => a.partition - b.partition || a.offset - b.offset)
    let i = 0
    while (i < sorted.length) {
      // A run of pairs of one partition, read in chunks from its first offset.
      const { partition } = sorted[i]
      let j = i
      while (j + 1 < sorted.length && sorted[j + 1].partition === partition) j++
      let k = i
      while (k <= j) {
        const from = sorted[k].offset
        const span = sorted[j].offset - from + 1
        let chunk
        try {
          chunk = readChunk(this.cluster, this.topic, partition, from, Math.min(span, 2000), 4 * 1024 * 1024)
        } catch (e) {
          if ((e as { code?: string }).code !== 'OFFSET_OUT_OF_RANGE') throw e
          k++ // the offset is gone (retention) or beyond the log: that pair is missing
          continue
        }
        for (const r of chunk.records) found.set(`${partition}:${r.offset}`, r)
        const reached = chunk.records.length ? chunk.nextOffset : from + 1
        while (k <= j && sorted[k].offset < reached) k++
      }
      i = j + 1
    }
    for (const p of window) {
      const r = found.get(`${p.partition}:${p.offset}`)
      if (r) add(r)
      else this.missing++
    }
    this.pairIndex += window.length
    return this.pairIndex < this.pairs.length
  }
}
