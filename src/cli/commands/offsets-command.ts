/**
 * `brokerlab offsets --topic T`: per partition the earliest offset (log start), the latest (the
 * next offset a consumer can read up to) and the high watermark, like kafka-get-offsets.
 */
import type { Command } from 'commander'
import { call, printJson, validated, withBackend, type CliIo } from '../cli-context'
import { formatTable } from '../table'
import { addClusterOptions, type ClusterOpts } from './data-dir-option'

/** Registers `offsets`. */
export function registerOffsetsCommand(program: Command, io: CliIo): void {
  addClusterOptions(
    program
      .command('offsets')
      .description('Show earliest, latest and high watermark offsets per partition')
      .requiredOption('--topic <topic>', 'topic')
      .option('--json', 'print JSON'),
    io
  ).action(async (opts: ClusterOpts & { topic: string; json?: boolean }) => {
    const req = validated('offsets/list', { topic: opts.topic })
    await withBackend(io, opts, async (s) => {
      const rows = await call(s, 'offsets/list', req)
      if (opts.json) return printJson(io, rows)
      const total = rows.reduce((n, r) => n + (r.latest - r.earliest), 0)
      io.stdout.write(
        formatTable(
          ['PARTITION', 'EARLIEST', 'LATEST', 'HIGH-WATERMARK', 'RECORDS'],
          rows.map((r) => [r.partition, r.earliest, r.latest, r.highWatermark, r.latest - r.earliest])
        ) + `\nTotal records: ${total}\n`
      )
    })
  })
}
