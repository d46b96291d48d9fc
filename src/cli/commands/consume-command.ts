/**
 * `brokerlab consume --topic T --group G [--from-beginning] [--max N]`: reads as a member of group
 * G (from its committed offsets, else earliest with --from-beginning or latest without, as
 * auto.offset.reset), prints each record's value (UTF-8; with --print-key also the key), then
 * commits and reports the group's lag on stderr, like kafka-console-consumer --group.
 */
import type { Command } from 'commander'
import { consumeAsGroup } from '../../host/group-consumer'
import { intArg, validated, withEngine, type CliIo } from '../cli-context'
import { CliError, EXIT_FAILURE } from '../cli-error'
import { toContractError } from '../../host/engine-service'
import { addDataDir, type DataDirOpts } from './data-dir-option'

/** Most records one consume reads when --max is not given (the contract's limit). */
export const DEFAULT_MAX_RECORDS = 1_000_000

/** Registers `consume`. */
export function registerConsumeCommand(program: Command, io: CliIo): void {
  addDataDir(
    program
      .command('consume')
      .description('Consume records as a consumer group, print them and commit')
      .requiredOption('--topic <topic>', 'topic')
      .requiredOption('--group <group>', 'consumer group id')
      .option('--from-beginning', 'with no committed offset, start at the earliest offset (else latest)')
      .option('--max <n>', 'consume at most n records (default: all available)', intArg('--max'))
      .option('--print-key', 'print key and value separated by a tab')
      .option('--json', 'print one JSON object per record (partition, offset, timestamp, key, value)'),
    io
  ).action(
    async (
      opts: DataDirOpts & { topic: string; group: string; fromBeginning?: boolean; max?: number; printKey?: boolean; json?: boolean }
    ) => {
      const req = validated('group/consume', {
        groupId: opts.group,
        topic: opts.topic,
        maxRecords: opts.max ?? DEFAULT_MAX_RECORDS,
        fromBeginning: opts.fromBeginning ?? false
      })
      await withEngine(io, opts.dataDir, async (s) => {
        let res
        try {
          res = await consumeAsGroup(s.cluster, req, (r) => {
            const key = r.key === null ? 'null' : r.key.toString('utf8')
            const value = r.value === null ? 'null' : r.value.toString('utf8')
            if (opts.json)
              io.stdout.write(
                JSON.stringify({ partition: r.partition, offset: r.offset, timestamp: r.timestamp, key, value }) + '\n'
              )
            else io.stdout.write(opts.printKey ? `${key}\t${value}\n` : `${value}\n`)
          })
        } catch (e) {
          const err = toContractError(e)
          throw new CliError(`${err.code}: ${err.message}`, EXIT_FAILURE)
        }
        io.stderr.write(
          `Consumed ${res.consumed} records as group ${opts.group}; committed. Lag now ${res.group.totalLag}.\n`
        )
      })
    }
  )
}
