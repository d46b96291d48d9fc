/**
 * The replica budget: how many partition replicas the embedded cluster may hold, checked before a
 * topic is created or partitions are added, so a request this machine cannot hold is refused with a
 * clear message instead of exhausting file descriptors or memory mappings halfway.
 *
 * All brokers of the embedded cluster run in one process, so the process's limits are the
 * cluster's. Each open replica holds at least FILES_PER_REPLICA files (its active segment's .log,
 * .index and .timeindex), each an open file descriptor and, on the mmap backend, a mapping. The
 * budget is the smallest of:
 * - MAX_REPLICAS_PER_BROKER x brokers: the field's guidance of at most 4,000 partitions per broker
 *   (KIP-578, "Add configuration to limit number of partitions", which proposed enforcing it as
 *   `max.broker.partitions`);
 * - (the process's open-file limit - RESERVED_FILES) / FILES_PER_REPLICA (Linux: /proc/self/limits;
 *   Node raises the soft limit to the hard one at start);
 * - (vm.max_map_count - RESERVED_MAPPINGS) / FILES_PER_REPLICA (Linux).
 * Closed segments hold files too, so the budget is an upper bound, not a promise: a replica whose
 * files cannot be opened later goes offline with KAFKA_STORAGE_ERROR (see Partition), it does not
 * crash the cluster.
 *
 * Must stay true: the check runs before anything of a topic or of new partitions is made; the
 * message names the numbers and where the budget comes from.
 */
import fs from 'node:fs'
import { KafkaError } from '../model/errors'

/** Files an open replica holds at the least: its active segment's .log, .index and .timeindex. */
export const FILES_PER_REPLICA = 3
/** KIP-578's guidance: at most 4,000 partition replicas per broker. */
export const MAX_REPLICAS_PER_BROKER = 4000
/** File descriptors kept free for everything else (sockets, the renderer's files, checkpoints). */
export const RESERVED_FILES = 512
/** Memory mappings kept free for the runtime (V8 heaps, shared libraries). */
export const RESERVED_MAPPINGS = 4096

/** This process's open-file limit (the soft limit of RLIMIT_NOFILE), or null where it cannot be read. */
export function openFileLimit(): number | null {
  try {
    const m = /^Max open files\s+(\d+|unlimited)/m.exec(fs.readFileSync('/proc/self/limits', 'utf8'))
    if (!m || m[1] === 'unlimited') return null
    return Number(m[1])
  } catch {
    return null
  }
}

/** The kernel's limit of memory mappings per process (vm.max_map_count), or null where unknown. */
export function maxMapCount(): number | null {
  try {
    const n = Number(fs.readFileSync('/proc/sys/vm/max_map_count', 'utf8').trim())
    return Number.isSafeInteger(n) && n > 0 ? n : null
  } catch {
    return null
  }
}

/** Where a budget comes from, for messages. */
export interface ReplicaBudget {
  /** Replicas the cluster may hold. */
  max: number
  /** Which limit decided it, in words. */
  reason: string
}

/**
 * The default budget for a cluster of `brokers` brokers on this machine (see the module header).
 * `limits` overrides what is read from the system (tests).
 */
export function defaultReplicaBudget(
  brokers: number,
  limits: { openFiles?: number | null; mapCount?: number | null } = {}
): ReplicaBudget {
  const openFiles = limits.openFiles === undefined ? openFileLimit() : limits.openFiles
  const mapCount = limits.mapCount === undefined ? maxMapCount() : limits.mapCount
  const options: ReplicaBudget[] = [
    { max: MAX_REPLICAS_PER_BROKER * brokers, reason: `${MAX_REPLICAS_PER_BROKER.toLocaleString('en-US')} replicas per broker x ${brokers} broker(s) (KIP-578's guidance)` }
  ]
  if (openFiles !== null)
    options.push({
      max: Math.floor((openFiles - RESERVED_FILES) / FILES_PER_REPLICA),
      reason: `this process may open ${openFiles.toLocaleString('en-US')} files and each replica holds at least ${FILES_PER_REPLICA}`
    })
  if (mapCount !== null)
    options.push({
      max: Math.floor((mapCount - RESERVED_MAPPINGS) / FILES_PER_REPLICA),
      reason: `vm.max_map_count is ${mapCount.toLocaleString('en-US')} and each replica maps at least ${FILES_PER_REPLICA} files`
    })
  const best = options.reduce((a, b) => (b.max < a.max ? b : a))
  return { max: Math.max(1, best.max), reason: best.reason }
}

/**
 * Refuses `partitions` new partitions of replication factor `rf` when the cluster, holding
 * `current` replicas, would then exceed `budget`.
 * @param what the subject of the message, e.g. "Topic 'orders'".
 * @throws KafkaError POLICY_VIOLATION naming the numbers and the budget's origin.
 */
export function checkReplicaBudget(current: number, partitions: number, rf: number, budget: ReplicaBudget, what: string): void {
  const adding = partitions * rf
  if (current + adding <= budget.max) return
  const n = (x: number): string => x.toLocaleString('en-US')
  throw new KafkaError(
    'POLICY_VIOLATION',
    `${what} needs ${n(adding)} replicas (${n(partitions)} partitions x replication factor ${rf}); the cluster holds ${n(current)}, and this machine's replica budget is ${n(budget.max)} (${budget.reason}). Use fewer partitions or a lower replication factor, or delete topics.`
  )
}
