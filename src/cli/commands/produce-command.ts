/**
 * `brokerlab produce --topic T --key K --value V [--count N]`: produces one record, or N records
 * with `{{i}}` in key, value and header values replaced by 0..N-1 (acks=all by default, as the
 * Java producer since Kafka 3.0), and prints where one record landed and why, or per partition how
 * many of N records were written at which offsets.
 *
 * Must stay true: a send that was only partly written prints what was written, then fails (exit 1)
 * naming the records that were not, by request index.
 */
import type { Command } from 'commander'
import { InvalidArgumentError } from 'commander'
import type { Acks, ProduceAck, ProduceResult } from '../../shared/contract'
import { call, intArg, keyValueArg, printJson, validated, withEngine, type CliIo } from '../cli-context'
import { CliError, EXIT_FAILURE, usageError } from '../cli-error'
import { addDataDir, type DataDirOpts } from './data-dir-option'

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

/** Registers `produce`. */
export function registerProduceCommand(program: Command, io: CliIo): void {
  addDataDir(
    program
      .command('produce')
      .description('Produce one record (or --count records) and print where they landed')
      .requiredOption('--topic <topic>', 'topic to produce to')
      .option('--key <key>', 'record key (UTF-8); without it the key is null')
      .option('--value <value>', 'record value (UTF-8)')
      .option('--null-value', 'send a null value instead: a tombstone, which log compaction uses to delete the key')
      .option('--partition <p>', 'explicit partition (else the default partitioner picks)', intArg('--partition'))
      .option('--acks <acks>', 'acknowledgements: 0, 1 or all', acksArg, 'all' as Acks)
      .option('--header <key=value>', 'a record header (repeatable)', keyValueArg('--header'))
      .option('--count <n>', 'produce n records, with {{i}} in key, value and header values replaced by 0..n-1', intArg('--count'))
      .option('--json', 'print JSON'),
    io
  ).action(
    async (
      opts: DataDirOpts & {
        topic: string
        key?: string
        value?: string
        nullValue?: boolean
        partition?: number
        acks: Acks
        header?: [string, string][]
        count?: number
        json?: boolean
      }
    ) => {
      if ((opts.value === undefined) === !opts.nullValue) throw usageError('produce: give exactly one of --value <value> and --null-value.')
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
      await withEngine(io, opts.dataDir, async (s) => {
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
    }
  )
}
