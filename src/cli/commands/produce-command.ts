/**
 * `brokerlab produce --topic T --key K --value V [--count N]`: produces one record, or N records
 * with `{{i}}` in key, value and header values replaced by 0..N-1 (acks=all by default, as the
 * Java producer since Kafka 3.0), and prints where one record landed and why, or per partition how
 * many of N records were written at which offsets.
 *
 * `--value-file F` (`-` for standard input) produces one record per line of F instead, as
 * kafka-console-producer does; with `--key-separator S` each line is `key S value` (Kafka's
 * parse.key / key.separator). The lines are sent in chunks of at most LINE_CHUNK_RECORDS records /
 * LINE_CHUNK_BYTES; a file is read once first to check every line has the separator, so a bad line
 * is refused before anything is written (standard input cannot be read twice: there, chunks
 * before the bad line are written and said so).
 *
 * Must stay true: a send that was only partly written prints what was written, then fails (exit 1)
 * naming the records that were not, by request index (for lines: by line number).
 */
import { createReadStream, statSync } from 'node:fs'
import type { Command } from 'commander'
import { InvalidArgumentError } from 'commander'
import type { Acks, ProduceAck, ProducePartitionSummary, ProduceRecordInput, ProduceResult } from '../../shared/contract'
import type { ClusterBackend } from '../../host/cluster-backend'
import { call, intArg, keyValueArg, printJson, validated, withBackend, type CliIo } from '../cli-context'
import { CliError, EXIT_FAILURE, usageError } from '../cli-error'
import { lineRecords, MissingKeySeparatorError, type LineRecord } from '../line-records'
import { addClusterOptions, type ClusterOpts } from './data-dir-option'

/** Records per produce/send when producing lines. */
export const LINE_CHUNK_RECORDS = 10_000
/** About this many bytes of keys and values per produce/send when producing lines. */
export const LINE_CHUNK_BYTES = 16 * 1024 * 1024

function acksArg(value: string): Acks {
  if (value === 'all' || value === '-1') return 'all'
  if (value === '0') return 0
  if (value === '1') return 1
  throw new InvalidArgumentError(`--acks must be 0, 1 or all (-1), got "${value}".`)
}

/** One line explaining a produce ack: partition, offset and the partitioner's reason. */
export function ackText(topic: string, a: ProduceAck): string {
  const why =
    a.reason.kind === 'explicit'
      ? 'partition given explicitly'
      : a.reason.kind === 'key'
        ? `murmur2(key) = ${a.reason.murmur2}, toPositive = ${a.reason.positive}, % ${a.reason.partitions} = ${a.partition}`
        : `no key: ${a.reason.strategy} partitioner`
  return `Produced to ${topic} partition ${a.partition} at offset ${a.offset} (${why})`
}

/** A send's summary: the totals, then one line per partition written to (records, first and last offset). */
export function summaryText(topic: string, res: ProduceResult): string {
  const of = res.written < res.requested ? ` of ${res.requested}` : ''
  const lines = res.partitions.map((p) =>
    p.firstOffset < 0
      ? `  partition ${p.partition}: ${p.records} records (acks=0: offsets not known)`
      : `  partition ${p.partition}: ${p.records} records at offsets ${p.firstOffset} to ${p.lastOffset}`
  )
  return [`Produced ${res.written}${of} records to ${topic} in ${res.elapsedMs} ms`, ...lines].join('\n')
}

type ProduceOpts = ClusterOpts & {
  topic: string
  key?: string
  value?: string
  valueFile?: string
  keySeparator?: string
  nullValue?: boolean
  partition?: number
  acks: Acks
  header?: [string, string][]
  count?: number
  json?: boolean
}

/** Merges the per-partition summaries of several sends. */
function mergePartitions(all: ProducePartitionSummary[]): ProducePartitionSummary[] {
  const by = new Map<number, ProducePartitionSummary>()
  for (const p of all) {
    const cur = by.get(p.partition)
    if (!cur) by.set(p.partition, { ...p })
    else {
      cur.records += p.records
      cur.firstOffset = cur.firstOffset < 0 || p.firstOffset < 0 ? -1 : Math.min(cur.firstOffset, p.firstOffset)
      cur.lastOffset = cur.lastOffset < 0 || p.lastOffset < 0 ? -1 : Math.max(cur.lastOffset, p.lastOffset)
    }
  }
  return [...by.values()].sort((a, b) => a.partition - b.partition)
}

/** Opens the --value-file input: a file, or standard input for "-". */
function openInput(io: CliIo, valueFile: string): NodeJS.ReadableStream {
  if (valueFile === '-') {
    if (!io.stdin) throw usageError('produce: --value-file - reads standard input, and there is none.')
    return io.stdin
  }
  try {
    if (!statSync(valueFile).isFile()) throw new Error('not a file')
  } catch (e) {
    throw new CliError(`produce: cannot read --value-file ${valueFile}: ${(e as Error).message}`, EXIT_FAILURE)
  }
  return createReadStream(valueFile)
}

/** Produces the lines of --value-file in chunks; prints like a --count send. */
async function produceLines(io: CliIo, s: ClusterBackend, opts: ProduceOpts): Promise<void> {
  const file = opts.valueFile as string
  const source = file === '-' ? 'stdin' : file
  const separator = opts.keySeparator ?? null
  if (file !== '-' && separator !== null) {
    // A checking pass, so a bad line is refused before anything is written.
    try {
      for await (const _ of lineRecords(openInput(io, file), separator, source)) void _
    } catch (e) {
      if (e instanceof MissingKeySeparatorError) throw new CliError(`INVALID_RECORD: ${e.message}; nothing was written`, EXIT_FAILURE)
      throw e
    }
  }
  const headers = opts.header?.map(([key, value]) => ({ key, value }))
  const started = Date.now()
  const results: ProduceResult[] = []
  let chunk: LineRecord[] = []
  let chunkBytes = 0
  let lines = 0
  const written = () => results.reduce((n, r) => n + r.written, 0)
  const send = async () => {
    if (chunk.length === 0) return
    const records: ProduceRecordInput[] = chunk.map((l) => ({
      key: l.key,
      value: l.value,
      ...(headers ? { headers } : {}),
      ...(opts.partition !== undefined ? { partition: opts.partition } : {})
    }))
    const first = chunk[0].line
    const last = chunk[chunk.length - 1].line
    chunk = []
    chunkBytes = 0
    const req = validated('produce/send', { topic: opts.topic, acks: opts.acks, records })
    const reply = await s.handle('produce/send', req)
    const before = written()
    if (!reply.ok)
      throw new CliError(
        `${reply.error.code}: lines ${first} to ${last} of ${source} (record i of the send is line ${first} + i): ${reply.error.message}` +
          (before > 0 ? `; the ${before} records of the lines before were written` : '; nothing was written'),
        EXIT_FAILURE
      )
    results.push(reply.data)
    if (reply.data.failed) {
      printSummary(io, opts, results, Date.now() - started)
      const f = reply.data.failed
      throw new CliError(`${f.code}: lines ${first + f.fromIndex} to ${first + f.toIndex} of ${source} were not written: ${f.message}`, EXIT_FAILURE)
    }
  }
  try {
    for await (const l of lineRecords(openInput(io, file), separator, source)) {
      lines++
      chunk.push(l)
      chunkBytes += l.value.length + (l.key?.length ?? 0)
      if (chunk.length >= LINE_CHUNK_RECORDS || chunkBytes >= LINE_CHUNK_BYTES) await send()
    }
  } catch (e) {
    if (e instanceof MissingKeySeparatorError) {
      const n = written()
      throw new CliError(`INVALID_RECORD: ${e.message}; ${n > 0 ? `the ${n} records of the lines before were written` : 'nothing was written'}`, EXIT_FAILURE)
    }
    throw e
  }
  await send()
  if (lines === 0) throw new CliError(`produce: ${source} holds no lines, so there is nothing to produce`, EXIT_FAILURE)
  if (lines === 1 && !opts.json) {
    io.stdout.write(ackText(opts.topic, results[0].acks[0]) + '\n')
    return
  }
  printSummary(io, opts, results, Date.now() - started)
}

function printSummary(io: CliIo, opts: ProduceOpts, results: ProduceResult[], elapsedMs: number): void {
  const merged: ProduceResult = {
    requested: results.reduce((n, r) => n + r.requested, 0),
    written: results.reduce((n, r) => n + r.written, 0),
    partitions: mergePartitions(results.flatMap((r) => r.partitions)),
    acks: results.flatMap((r) => r.acks).slice(0, 1000),
    failed: results.find((r) => r.failed)?.failed ?? null,
    elapsedMs,
    ackWait: results.reduce<ProduceResult['ackWait']>((w, r) => (r.ackWait && (!w || r.ackWait.waitedMs > w.waitedMs) ? r.ackWait : w), null)
  }
  if (opts.json) printJson(io, merged)
  else io.stdout.write(summaryText(opts.topic, merged) + '\n')
}

/** Registers `produce`. */
export function registerProduceCommand(program: Command, io: CliIo): void {
  addClusterOptions(
    program
      .command('produce')
      .description('Produce one record (or --count records, or one per line of --value-file) and print where they landed')
      .requiredOption('--topic <topic>', 'topic to produce to')
      .option('--key <key>', 'record key (UTF-8); without it the key is null')
      .option('--value <value>', 'record value (UTF-8)')
      .option('--value-file <path>', 'produce one record per line of this file ("-": standard input), as kafka-console-producer')
      .option('--key-separator <sep>', 'with --value-file: each line is key<sep>value (kafka-console-producer parse.key / key.separator)')
      .option('--null-value', 'send a null value instead: a tombstone, which log compaction uses to delete the key')
      .option('--partition <p>', 'explicit partition (else the default partitioner picks)', intArg('--partition'))
      .option('--acks <acks>', 'acknowledgements: 0, 1 or all', acksArg, 'all' as Acks)
      .option('--header <key=value>', 'a record header (repeatable)', keyValueArg('--header'))
      .option('--count <n>', 'produce n records, with {{i}} in key, value and header values replaced by 0..n-1', intArg('--count'))
      .option('--json', 'print JSON'),
    io
  ).action(async (opts: ProduceOpts) => {
    if (opts.valueFile !== undefined) {
      if (opts.value !== undefined || opts.nullValue || opts.count !== undefined || opts.key !== undefined)
        throw usageError('produce: --value-file takes keys and values from its lines: it cannot be combined with --value, --null-value, --key or --count (use --key-separator for keys).')
      if (opts.keySeparator === '') throw usageError('produce: --key-separator must not be empty.')
      await withBackend(io, opts, (s) => produceLines(io, s, opts))
      return
    }
    if (opts.keySeparator !== undefined) throw usageError('produce: --key-separator applies to --value-file lines.')
    if ((opts.value === undefined) === !opts.nullValue)
      throw usageError('produce: give exactly one of --value <value> and --null-value, or --value-file <path> (- for stdin) for one record per line.')
    const req = validated('produce/send', {
      topic: opts.topic,
      acks: opts.acks,
      records: [
        {
          key: opts.key ?? null,
          value: opts.nullValue ? null : opts.value!,
          ...(opts.header ? { headers: opts.header.map(([key, value]) => ({ key, value })) } : {}),
          ...(opts.partition !== undefined ? { partition: opts.partition } : {})
        }
      ],
      ...(opts.count !== undefined ? { count: opts.count } : {})
    })
    await withBackend(io, opts, async (s) => {
      const res = await call(s, 'produce/send', req)
      if (opts.count === undefined && !res.failed) {
        if (opts.json) return printJson(io, res.acks[0])
        io.stdout.write(ackText(opts.topic, res.acks[0]) + '\n')
        return
      }
      if (opts.json) printJson(io, res)
      else io.stdout.write(summaryText(opts.topic, res) + '\n')
      if (res.failed) throw new CliError(`${res.failed.code}: ${res.failed.message}`, EXIT_FAILURE)
    })
  })
}
