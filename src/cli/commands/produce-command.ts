/**
 * `brokerlab produce --topic T --key K --value V`: produces one record (acks=all by default, as
 * the Java producer since Kafka 3.0) and prints where it landed and why.
 */
import type { Command } from 'commander'
import { InvalidArgumentError } from 'commander'
import type { Acks, ProduceAck } from '../../shared/contract'
import { call, intArg, keyValueArg, printJson, validated, withEngine, type CliIo } from '../cli-context'
import { usageError } from '../cli-error'
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

/** Registers `produce`. */
export function registerProduceCommand(program: Command, io: CliIo): void {
  addDataDir(
    program
      .command('produce')
      .description('Produce one record and print its partition and offset')
      .requiredOption('--topic <topic>', 'topic to produce to')
      .option('--key <key>', 'record key (UTF-8); without it the key is null')
      .option('--value <value>', 'record value (UTF-8)')
      .option('--null-value', 'send a null value instead: a tombstone, which log compaction uses to delete the key')
      .option('--partition <p>', 'explicit partition (else the default partitioner picks)', intArg('--partition'))
      .option('--acks <acks>', 'acknowledgements: 0, 1 or all', acksArg, 'all' as Acks)
      .option('--header <key=value>', 'a record header (repeatable)', keyValueArg('--header'))
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
        ]
      })
      await withEngine(io, opts.dataDir, async (s) => {
        const res = await call(s, 'produce/send', req)
        if (opts.json) return printJson(io, res.acks[0])
        io.stdout.write(ackText(opts.topic, res.acks[0]) + '\n')
      })
    }
  )
}
