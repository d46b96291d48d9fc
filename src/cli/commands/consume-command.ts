/**
 * `brokerlab consume --topic T`: prints a topic's records like kafka-console-consumer.
 * - With `--group G`: reads as a member of group G from its committed offsets (else earliest with
 *   --from-beginning, latest without, as auto.offset.reset), then commits and reports the group's
 *   lag on stderr.
 * - Without a group: reads `--partition P` (or all) from `--offset earliest|latest|N` (default
 *   latest; --from-beginning means earliest), committing nothing. A numeric offset needs
 *   --partition; --group cannot be combined with --partition / --offset (Kafka's rules).
 * - `--follow` keeps reading new records (polling every FOLLOW_POLL_MS) until Ctrl+C or --max;
 *   without it the command stops at the high watermarks it found.
 * Against a running cluster (--bootstrap-server, or the one running on --data-dir) it reads over
 * the Kafka protocol; there --group joins the group as a member (JoinGroup/SyncGroup, heartbeats,
 * LeaveGroup at the end; see ../../host/remote/remote-group-member.ts) and reads what it is assigned.
 * Prints each value (UTF-8; `null` for a null value), with --print-key key TAB value, or with
 * --json one JSON object a line (the export's record: real JSON null for null keys and values,
 * base64 with its encoding for bytes that are not UTF-8).
 */
import type { Command } from 'commander'
import { InvalidArgumentError } from 'commander'
import type { ConsumerRecord } from '../../host/cluster-backend'
import { toExportedRecord } from '../../host/messages/export-format'
import type { ReaderStart } from '../../host/messages/partition-reader'
import { intArg, validated, withBackend, type CliIo } from '../cli-context'
import { CliError, EXIT_FAILURE, usageError } from '../cli-error'
import { toContractError } from '../../host/engine-service'
import { addClusterOptions, type ClusterOpts } from './data-dir-option'

/** Most records one consume reads when --max is not given (the contract's limit). */
export const DEFAULT_MAX_RECORDS = 1_000_000
/** How often --follow looks for new records, in ms. */
export const FOLLOW_POLL_MS = 200

function offsetArg(value: string): ReaderStart {
  if (value === 'earliest' || value === 'latest') return value
  if (/^\d+$/.test(value.trim())) return Number(value)
  throw new InvalidArgumentError(`--offset must be earliest, latest or a non-negative offset, got "${value}".`)
}

type ConsumeOpts = ClusterOpts & {
  topic: string
  group?: string
  partition?: number
  offset?: ReaderStart
  fromBeginning?: boolean
  follow?: boolean
  max?: number
  printKey?: boolean
  json?: boolean
}

/** One output line for a record, as the options ask. */
export function recordLine(r: ConsumerRecord, opts: { json?: boolean; printKey?: boolean }): string {
  if (opts.json) return JSON.stringify(toExportedRecord(r)) + '\n'
  const value = r.value === null ? 'null' : r.value.toString('utf8')
  if (!opts.printKey) return `${value}\n`
  return `${r.key === null ? 'null' : r.key.toString('utf8')}\t${value}\n`
}

/** Waits `ms`, or less when `stop` resolves first; true when stopped. */
function pause(ms: number, stop: Promise<void>): Promise<boolean> {
  return new Promise((res) => {
    const t = setTimeout(() => res(false), ms)
    void stop.then(() => {
      clearTimeout(t)
      res(true)
    })
  })
}

/** Registers `consume`. */
export function registerConsumeCommand(program: Command, io: CliIo): void {
  addClusterOptions(
    program
      .command('consume')
      .description('Print records of a topic (as a consumer group, or from given offsets), like kafka-console-consumer')
      .requiredOption('--topic <topic>', 'topic')
      .option('--group <group>', 'consume as this consumer group (from its committed offsets) and commit')
      .option('--partition <p>', 'read only this partition (not with --group)', intArg('--partition'))
      .option('--offset <earliest|latest|N>', 'where to start without a group (default latest; N needs --partition)', offsetArg)
      .option('--from-beginning', 'start at the earliest offset (with --group: when nothing is committed)')
      .option('--follow', 'keep printing new records until Ctrl+C or --max')
      .option('--max <n>', 'consume at most n records (default: all available)', intArg('--max'))
      .option('--print-key', 'print key and value separated by a tab')
      .option('--json', 'print one JSON object per record (topic, partition, offset, timestamp, key, value, headers; null as null)'),
    io
  ).action(async (opts: ConsumeOpts) => {
    if (opts.group !== undefined && (opts.partition !== undefined || opts.offset !== undefined))
      throw usageError('consume: --group cannot be combined with --partition or --offset (a group reads from its committed offsets).')
    if (opts.fromBeginning && opts.offset !== undefined) throw usageError('consume: --from-beginning and --offset cannot be given together.')
    if (typeof opts.offset === 'number' && opts.partition === undefined)
      throw usageError('consume: --offset N needs --partition (an offset is a position in one partition).')
    if (opts.max !== undefined && opts.max < 1) throw usageError('consume: --max must be at least 1.')
    if (opts.partition !== undefined && opts.partition < 0) throw usageError('consume: --partition must be 0 or more.')
    const max = opts.max ?? (opts.follow ? Number.POSITIVE_INFINITY : DEFAULT_MAX_RECORDS)
    const print = (r: ConsumerRecord) => void io.stdout.write(recordLine(r, opts))
    const req = opts.group
      ? validated('group/consume', {
          groupId: opts.group,
          topic: opts.topic,
          maxRecords: Math.min(max, DEFAULT_MAX_RECORDS),
          fromBeginning: opts.fromBeginning ?? false
        })
      : null
    await withBackend(io, opts, async (s) => {
      let consumed = 0
      try {
        if (req) {
          let lag = 0
          let seen = -1
          for (;;) {
            // Poll again only when something was written, so an idle follow commits nothing.
            const written = await s.committedEnd(opts.topic)
            if (written !== seen) {
              seen = written
              const res = await s.consumeAsGroup({ ...req, maxRecords: Math.min(DEFAULT_MAX_RECORDS, max - consumed) }, print)
              consumed += res.consumed
              lag = res.group.totalLag
            }
            if (!opts.follow || consumed >= max || (await pause(FOLLOW_POLL_MS, io.stopSignal))) break
          }
          io.stderr.write(`Consumed ${consumed} records as group ${opts.group}; committed. Lag now ${lag}.\n`)
          return
        }
        const start: ReaderStart = opts.offset ?? (opts.fromBeginning ? 'earliest' : 'latest')
        const reader = await s.partitionReader(opts.topic, opts.partition === undefined ? null : [opts.partition], start)
        for (;;) {
          consumed += await reader.poll(max - consumed, print)
          if (!opts.follow || consumed >= max || (await pause(FOLLOW_POLL_MS, io.stopSignal))) break
        }
        io.stderr.write(`Consumed ${consumed} records.\n`)
      } catch (e) {
        if (e instanceof CliError) throw e
        const err = toContractError(e)
        throw new CliError(`${err.code}: ${err.message}`, EXIT_FAILURE)
      }
    })
  })
}
