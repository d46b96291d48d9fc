/**
 * `brokerlab groups`: consumer groups as `kafka-consumer-groups` shows and changes them.
 * - `groups [--group G]... [--json]` (or `--describe --group G | --all-groups`): committed offsets
 *   and lag (TOPIC, PARTITION, CURRENT-OFFSET, LOG-END-OFFSET, LAG).
 * - `--list [--state]`: the group ids (with --state, GROUP and STATE).
 * - `--describe --state`: GROUP, COORDINATOR (ID), ASSIGNMENT-STRATEGY, STATE, #MEMBERS;
 *   `--describe --members [--verbose]`: GROUP, CONSUMER-ID, HOST, CLIENT-ID, #PARTITIONS (ASSIGNMENT):
 *   the groups as their coordinator holds them, members of wire clients included.
 * - `--delete --group G...`: deletes Empty groups with their committed offsets (Kafka's rule).
 * - `--reset-offsets --group G --topic T[:P,P...] --to-earliest|--to-latest|--to-offset N|
 *   --to-datetime D|--shift-by N [--execute]` plans (and with --execute commits) new offsets for
 *   every partition of T or the partitions named after the colon, as `kafka-consumer-groups
 *   --reset-offsets` does, printing GROUP, TOPIC, PARTITION, NEW-OFFSET (the same plan the UI's
 *   reset dialog previews).
 * Counts and offsets print with thousands separators. The layouts live in group-membership-text.ts.
 */
import type { Command } from 'commander'
import { InvalidArgumentError } from 'commander'
import type { GroupView, RequestOf, ResetSpec } from '../../shared/contract'
import { call, intArg, printJson, validated, withBackend, type CliIo } from '../cli-context'
import { CliError, EXIT_FAILURE, usageError } from '../cli-error'
import type { ClusterBackend } from '../../host/cluster-backend'
import { formatCount, formatTable } from '../table'
import { addClusterOptions, type ClusterOpts } from './data-dir-option'
import { deleteText, listText, membersText, stateText } from './group-membership-text'

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

/** The options of `groups` besides --data-dir. */
interface GroupsOpts extends ResetOpts {
  group?: string[]
  json?: boolean
  list?: boolean
  describe?: boolean
  delete?: boolean
  allGroups?: boolean
  members?: boolean
  state?: boolean
  verbose?: boolean
}

/** `--group` may be given more than once (kafka-consumer-groups takes several for --describe and --delete). */
function collectGroup(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value]
}

/**
 * Checks the combination of options as kafka-consumer-groups does.
 * @throws CliError (usage) naming the rule broken.
 */
function checkOptions(o: GroupsOpts): void {
  const actions = (['list', 'describe', 'delete', 'resetOffsets'] as const).filter((a) => o[a])
  if (actions.length > 1) throw usageError(`Choose one of --list, --describe, --delete, --reset-offsets (got ${actions.map((a) => (a === 'resetOffsets' ? '--reset-offsets' : `--${a}`)).join(' and ')}).`)
  if (o.members && o.state) throw usageError('--describe takes at most one of --members and --state.')
  if ((o.members || o.verbose) && !o.describe) throw usageError(`${o.members ? '--members' : '--verbose'} goes with --describe.`)
  if (o.verbose && !o.members) throw usageError('--verbose goes with --describe --members.')
  if (o.state && !o.describe && !o.list) throw usageError('--state goes with --describe or --list.')
  if (o.allGroups && !o.describe) throw usageError('--all-groups goes with --describe.')
  if (o.allGroups && o.group) throw usageError('Give either --group or --all-groups, not both.')
  if (o.describe && !o.group && !o.allGroups) throw usageError('--describe needs --group <group> (one or more) or --all-groups.')
  if (o.delete && !o.group) throw usageError('--delete needs --group <group> (one or more).')
  if (o.list && o.group) throw usageError('--list lists every group: leave out --group.')
  if (o.resetOffsets && (o.group?.length ?? 0) > 1) throw usageError('--reset-offsets takes one --group.')
}

/** Deletes each group (kafka-consumer-groups --delete), printing Kafka's report. @throws CliError (failure) when some could not be deleted. */
async function deleteGroups(io: CliIo, s: ClusterBackend, groups: string[], json: boolean): Promise<void> {
  const deleted: string[] = []
  const failed: { groupId: string; error: string }[] = []
  for (const groupId of groups) {
    try {
      deleted.push((await call(s, 'group/delete', validated('group/delete', { groupId }))).groupId)
    } catch (e) {
      if (!(e instanceof CliError) || e.exitCode !== EXIT_FAILURE) throw e
      failed.push({ groupId, error: e.message })
    }
  }
  const text = deleteText(deleted, failed)
  if (json) printJson(io, { deleted, failed })
  else io.stdout.write(text.stdout)
  if (failed.length > 0) throw new CliError(text.stderr.replace(/^Error: /, '').trimEnd(), EXIT_FAILURE)
}

/** Registers `groups`. */
export function registerGroupsCommand(program: Command, io: CliIo): void {
  addClusterOptions(
    program
      .command('groups')
      .description('Consumer groups as kafka-consumer-groups shows them: offsets and lag, --list, --describe --state / --members, --delete, --reset-offsets')
      .option('--group <group>', 'this group (repeat for several)', collectGroup)
      .option('--json', 'print JSON')
      .option('--list', 'list the groups (with --state: and their state)')
      .option('--describe', 'describe --group or --all-groups: committed offsets and lag, or with --state / --members')
      .option('--all-groups', 'with --describe: every group')
      .option('--state', 'with --describe: coordinator, assignment strategy, state and member count; with --list: each group\'s state')
      .option('--members', 'with --describe: the active members (consumer id, host, client id, partitions)')
      .option('--verbose', 'with --describe --members: each member\'s assigned partitions')
      .option('--delete', 'delete --group (only groups without active members, as Kafka)')
      .option('--reset-offsets', 'plan new committed offsets for --group on --topic (commit them with --execute)')
      .option('--topic <topic>', 'with --reset-offsets: the topic, or topic:0,1 for some of its partitions')
      .option('--to-earliest', 'with --reset-offsets: the log start offsets')
      .option('--to-latest', 'with --reset-offsets: the log end (high watermark)')
      .option('--to-offset <n>', 'with --reset-offsets: this offset', intArg('--to-offset'))
      .option('--to-datetime <datetime>', 'with --reset-offsets: the first offset at or after this time', dateTimeArg)
      .option('--shift-by <n>', 'with --reset-offsets: the committed offset plus n (n may be negative)', intArg('--shift-by'))
      .option('--execute', 'with --reset-offsets: commit the plan (without it nothing changes)'),
    io
  ).action(async (opts: ClusterOpts & GroupsOpts) => {
    checkOptions(opts)
    if (opts.resetOffsets) {
      const req = resetRequest(opts.group?.[0], opts)
      await withBackend(io, opts, async (s) => {
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
    const named = (opts.group ?? []).map((groupId) => validated('group/describe', { groupId }).groupId)
    await withBackend(io, opts, async (s) => {
      if (opts.list) {
        const groups = await call(s, 'group/list', {})
        return opts.json ? printJson(io, groups.map((g) => ({ groupId: g.groupId, state: g.state }))) : void io.stdout.write(listText(groups, opts.state === true))
      }
      if (opts.delete) return deleteGroups(io, s, named, opts.json === true)
      if (opts.members || opts.state) {
        const ids = opts.allGroups ? (await call(s, 'group/list', {})).map((g) => g.groupId) : named
        const views = []
        for (const groupId of ids) views.push(await call(s, 'group/membership', { groupId }))
        if (opts.json) return printJson(io, opts.allGroups || ids.length > 1 ? views : views[0])
        return void io.stdout.write(opts.members ? membersText(views, opts.verbose === true) : stateText(views))
      }
      const one = named.length === 1 && !opts.allGroups
      const groups = named.length > 0 && !opts.allGroups ? await Promise.all(named.map((groupId) => call(s, 'group/describe', { groupId }))) : await call(s, 'group/list', {})
      if (opts.json) return printJson(io, one ? groups[0] : groups)
      if (groups.length === 0) return void io.stdout.write('No consumer groups.\n')
      io.stdout.write(groups.map(groupText).join('\n'))
    })
  })
}
