/**
 * ClusterBackend: the port the CLI's commands talk to (../shared/design.md, src/host: "a backend
 * port with an embedded and a remote-cluster implementation"): the contract requests the commands
 * send, typed with the contract's RequestOf / ResponseOf, plus what a command needs beyond one
 * request (consuming as a group or from chosen partitions while printing each record, probing a
 * topic for `--follow`, background maintenance). Two implementations: LocalEngine (the engine
 * opened in this process on a data directory) and RemoteCluster (./remote/remote-cluster.ts: a
 * running cluster over the Kafka wire protocol). The commands are written once, against this.
 *
 * Must stay true: both implementations answer a request with the same response shapes and the same
 * error names (Kafka's) for the same situation; `handle` never rejects (errors come back as a failed
 * Reply); `close` releases everything the backend holds.
 */
import type { ConsumerRecord } from '../broker/cluster/cluster-api'
import type { Reply, RequestOf, ResponseOf } from '../shared/contract'
import type { ReaderStart } from './messages/partition-reader'

export type { ConsumerRecord, ReaderStart }

/** The contract requests the CLI's commands send to a backend. */
export const BACKEND_REQUESTS = [
  'topic/list',
  'topic/describe',
  'topic/create',
  'topic/alter',
  'topic/delete',
  'produce/send',
  'offsets/list',
  'group/list',
  'group/describe',
  'group/membership',
  'group/delete',
  'group/reset',
  'cluster/elect-leaders'
] as const

/** A request name of BACKEND_REQUESTS. */
export type BackendRequestName = (typeof BACKEND_REQUESTS)[number]

/** A value, or a promise of it (the embedded engine answers at once, a remote cluster later). */
export type MaybePromise<T> = T | Promise<T>

/** A group-less reader of some partitions (see PartitionReader): each poll hands out the records below the high watermarks, at most `max`. */
export interface RecordReader {
  /** @returns how many records `onRecord` was given. */
  poll(max: number, onRecord: (r: ConsumerRecord) => void): MaybePromise<number>
}

/** The CLI's view of a cluster; see the module comment. */
export interface ClusterBackend {
  /** 'embedded': the data directory opened in this process; 'remote': a running cluster over the wire. */
  readonly kind: 'embedded' | 'remote'
  /**
   * Validates and serves one request.
   * @returns `{ ok: true, data }` or `{ ok: false, error: { code, message } }` with Kafka's error name; never rejects.
   */
  handle<N extends BackendRequestName>(name: N, payload: RequestOf<N>): Promise<Reply<ResponseOf<N>>>
  /**
   * The sum of `topic`'s high watermarks: it changes when records were committed, so a `--follow`
   * loop polls again only then.
   * @throws an error with Kafka's name UNKNOWN_TOPIC_OR_PARTITION (see toContractError).
   */
  committedEnd(topic: string): MaybePromise<number>
  /** Consumes as a group from its committed offsets and commits; `onRecord` sees each record in order. @throws as committedEnd. */
  consumeAsGroup(req: RequestOf<'group/consume'>, onRecord?: (record: ConsumerRecord) => void): Promise<ResponseOf<'group/consume'>>
  /**
   * A reader of `topic`'s partitions (null: all) from `start`, committing nothing.
   * @throws UNKNOWN_TOPIC_OR_PARTITION, OFFSET_OUT_OF_RANGE (an offset outside [log start, high watermark]).
   */
  partitionReader(topic: string, partitions: number[] | null, start: ReaderStart): MaybePromise<RecordReader>
  /** Background work no running broker did between commands (retention, log cleaning); a remote cluster's brokers do their own. */
  maintain(): void
  /** Releases the backend (closes the engine, flushing its logs; or closes the connections). */
  close(): Promise<void>
}
