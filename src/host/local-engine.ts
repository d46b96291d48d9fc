/**
 * LocalEngine: an engine opened in this process on a data directory, as the CLI uses it: the
 * contract (EngineService.handle) plus the few operations a command runs beyond one request:
 * background maintenance between commands, streaming an import from a file, consuming as a group or
 * from chosen partitions while printing each record, and cheap probes of a topic for `--follow`
 * loops. It is the embedded implementation of ClusterBackend (./cluster-backend.ts; the other is
 * ./remote/remote-cluster.ts). The CLI reaches the engine only through this class
 * (../shared/design.md: src/cli on src/host only).
 *
 * Must stay true: every method works on the cluster this engine opened and closes with it; none
 * bypasses the engine's own validation.
 */
import type { ClusterApi, ConsumerRecord } from '../broker/cluster/cluster-api'
import type { RequestOf, ResponseOf } from '../shared/contract'
import type { ClusterBackend } from './cluster-backend'
import { EngineService } from './engine-service'
import { consumeAsGroup } from './group-consumer'
import { importRecords, type ImportOptions, type ImportResult } from './import/importer'
import { PartitionReader, type ReaderStart } from './messages/partition-reader'
import { openCluster, type OpenClusterOptions } from './open-cluster'

export type { ConsumerRecord }

/** The engine of a CLI process: the embedded ClusterBackend. */
export class LocalEngine extends EngineService implements ClusterBackend {
  readonly kind = 'embedded' as const

  private constructor(private readonly engine: ClusterApi) {
    super(engine)
  }

  /**
   * Opens (creating if needed) the cluster in `opts.dataDir`.
   * @throws KafkaError KAFKA_STORAGE_ERROR (unusable directory, a held lock, a malformed metadata
   *   file) or INVALID_REQUEST (bad broker count).
   */
  static open(opts: OpenClusterOptions): LocalEngine {
    return new LocalEngine(openCluster(opts))
  }

  /** Background work no running broker did between commands (retention, log cleaning): ClusterApi.maintain. */
  maintain(): void {
    this.engine.maintain()
  }

  /** The partition count of `topic` (internal topics included), or null when it does not exist. */
  partitionCount(topic: string): number | null {
    return this.engine.listTopics({ includeInternal: true }).find((t) => t.name === topic)?.partitions.length ?? null
  }

  /**
   * The sum of `topic`'s high watermarks: it changes when records were committed, so a `--follow`
   * loop polls again only then.
   * @throws KafkaError UNKNOWN_TOPIC_OR_PARTITION.
   */
  committedEnd(topic: string): number {
    return this.engine.describeTopic(topic).partitions.reduce((n, p) => n + p.highWatermark, 0)
  }

  /** Imports rows into a topic (see importRecords for the rules and errors). */
  importRecords(opts: ImportOptions): Promise<ImportResult> {
    return importRecords(this.engine, opts)
  }

  /** Consumes as a group and commits (see consumeAsGroup); `onRecord` sees each record in order. */
  consumeAsGroup(req: RequestOf<'group/consume'>, onRecord?: (record: ConsumerRecord) => void): Promise<ResponseOf<'group/consume'>> {
    return consumeAsGroup(this.engine, req, onRecord)
  }

  /**
   * A reader of `topic`'s partitions (null: all) from `start`, committing nothing (see PartitionReader).
   * @throws KafkaError UNKNOWN_TOPIC_OR_PARTITION, OFFSET_OUT_OF_RANGE.
   */
  partitionReader(topic: string, partitions: number[] | null, start: ReaderStart): PartitionReader {
    return new PartitionReader(this.engine, topic, partitions, start)
  }
}
