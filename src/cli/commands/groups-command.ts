/**
 * `brokerlab groups [--group G] [--json]`: consumer groups with their committed offsets and lag,
 * as `kafka-consumer-groups --describe` prints them (TOPIC, PARTITION, CURRENT-OFFSET,
 * LOG-END-OFFSET, LAG). `--reset-offsets --group G --topic T[:P,P...] --to-earliest|--to-latest|
 * --to-offset N|--to-datetime D|--shift-by N [--execute]` plans (and with --execute commits) new
 * offsets for every partition of T or the partitions named after the colon, as
 * `kafka-consumer-groups --reset-offsets` does, printing GROUP, TOPIC, PARTITION, NEW-OFFSET (the
 * same plan the UI's reset dialog previews). Counts and offsets print with thousands separators.
 */
import type { Command } from 'commander'
import { InvalidArgumentError } from 'commander'
import type { GroupView, RequestOf, ResetSpec } from '../../shared/contract'
import { call, intArg, printJson, validated, withEngine, type CliIo } from '../cli-context'
import { usageError } from '../cli-error'
import { formatCount, formatTable } from '../table'
import { addDataDir, type DataDirOpts } from './data-dir-option'

/** kafka-consumer-groups --describe text for one group. */
export function groupText(g: GroupView): string {
  const table = formatTable(
    ['GROUP', 'TOPIC', 'PARTITION', 'CURRENT-OFFSET', 'LOG-END-OFFSET', 'LAG'],
    g.rows.map((r) => [g.groupId, r.topic, String(r.partition), r.currentOffset ?? '-', r.logEndOffset, r.lag])
  )
  return `Consumer group '${g.groupId}' (${g.state}), total lag ${formatCount(g.totalLag)}\n\n${table}\n`
}

/** A date-time argument (ISO 8601, e.g. 2026-11-22T10:00:00.000 local or with Z / an offset) -> ms since the epoch. */
function dateTimeArg(value: string): number {
  const ms = Date.parse(value)
  if (!Number.isFinite(ms)) throw new InvalidArgumentError(`--to-datetime must be a date-time like 2026-11-22T10:00:00.000, got "${value}".`)
  return ms
}

interface ResetOpts {
  resetOffsets?: boolean
  topic?: string
  toEarliest?: boolean
  toLatest?: boolean
  toOffset?: number
  toDatetime?: number
  shiftBy?: number
  execute?: boolean
}

/**
 * `--topic T` or `--topic T:0,2` (Kafka's form naming partitions) as the topic and its partitions.
 * @throws CliError (usage) for a partition list that is not integers.
 */
export function topicPartitionsArg(value: string): { topic: string; partitions?: number[] } {
  const colon = value.lastIndexOf(':')
  if (colon < 0) return { topic: value }
  const list = value.slice(colon + 1).split(',').map((p) => p.trim())
  if (list.some((p) => !/^\d+$/.test(p))) throw usageError(`--topic ${value}: after the colon come partition numbers separated by commas, e.g. ${value.slice(0, colon)}:0,1.`)
  return { topic: value.slice(0, colon), partitions: list.map(Number) }
}

/** The reset request the options ask for. @throws CliError (usage) naming what is missing or doubled. */
function resetRequest(group: string | undefined, o: ResetOpts): RequestOf<'group/reset'> {
  if (!group || !o.topic) throw usageError('--reset-offsets needs --group <group> and --topic <topic>.')
  const { topic, partitions } = topicPartitionsArg(o.topic)
  const specs: ResetSpec[] = [
    ...(o.toEarliest ? (['earliest'] as const) : []),
    ...(o.toLatest ? (['latest'] as const) : []),
    ...(o.toOffset !== undefined ? [{ offset: o.toOffset }] : []),
    ...(o.toDatetime !== undefined ? [{ timestamp: o.toDatetime }] : []),
    ...(o.shiftBy !== undefined ? [{ shiftBy: o.shiftBy }] : [])
  ]
  if (specs.length !== 1) throw usageError('--reset-offsets needs exactly one of --to-earliest, --to-latest, --to-offset, --to-datetime, --shift-by.')
  return validated('group/reset', { groupId: group, topic, ...(partitions ? { partitions } : {}), to: specs[0], dryRun: !o.execute })
}

/** Registers `groups`. */
export function registerGroupsCommand(program: Command, io: CliIo): void {
  addDataDir(
    program
      .command('groups')
      .description('Describe consumer groups: committed offsets and lag (like kafka-consumer-groups --describe), or reset their offsets')
      .option('--group <group>', 'only this group')
      .option('--json', 'print JSON')
      .option('--reset-offsets', 'plan new committed offsets for --group on --topic (commit them with --execute)')
      .option('--topic <topic>', 'with --reset-offsets: the topic, or topic:0,1 for some of its partitions')
      .option('--to-earliest', 'with --reset-offsets: the log start offsets')
      .option('--to-latest', 'with --reset-offsets: the log end (high watermark)')
      .option('--to-offset <n>', 'with --reset-offsets: this offset', intArg('--to-offset'))
      .option('--to-datetime <datetime>', 'with --reset-offsets: the first offset at or after this time', dateTimeArg)
      .option('--shift-by <n>', 'with --reset-offsets: the committed offset plus n (n may be negative)', intArg('--shift-by'))
      .option('--execute', 'with --reset-offsets: commit the plan (without it nothing changes)'),
    io
  ).action(async (opts: DataDirOpts & ResetOpts & { group?: string; json?: boolean }) => {
    if (opts.resetOffsets) {
      const req = resetRequest(opts.group, opts)
      await withEngine(io, opts.dataDir, async (s) => {
        const res = await call(s, 'group/reset', req)
        if (opts.json) return printJson(io, res)
        for (const r of res.plan)
          if (r.clamped)
            io.stderr.write(
              `New offset is ${r.clamped === 'to-earliest' ? 'lower than earliest' : 'higher than latest'} offset for topic partition ${r.topic}-${r.partition}. Value will be set to ${r.newOffset}\n`
            )
        io.stdout.write(
          formatTable(
            ['GROUP', 'TOPIC', 'PARTITION', 'NEW-OFFSET'],
            res.plan.map((r) => [req.groupId, r.topic, String(r.partition), r.newOffset])
          ) + '\n'
        )
        if (!res.executed) io.stderr.write('No action was performed: add --execute to commit these offsets.\n')
      })
      return
    }
    const one = opts.group !== undefined ? validated('group/describe', { groupId: opts.group }) : null
    await withEngine(io, opts.dataDir, async (s) => {
      const groups = one ? [await call(s, 'group/describe', one)] : await call(s, 'group/list', {})
      if (opts.json) return printJson(io, one ? groups[0] : groups)
      if (groups.length === 0) return void io.stdout.write('No consumer groups.\n')
      io.stdout.write(groups.map(groupText).join('\n'))
    })
  })
}
