/**
 * `brokerlab groups [--group G] [--json]`: consumer groups with their committed offsets and lag,
 * as `kafka-consumer-groups --describe` prints them (TOPIC, PARTITION, CURRENT-OFFSET,
 * LOG-END-OFFSET, LAG).
 */
import type { Command } from 'commander'
import type { GroupView } from '../../shared/contract'
import { call, printJson, validated, withEngine, type CliIo } from '../cli-context'
import { formatTable } from '../table'
import { addDataDir, type DataDirOpts } from './data-dir-option'

/** kafka-consumer-groups --describe text for one group. */
export function groupText(g: GroupView): string {
  const table = formatTable(
    ['GROUP', 'TOPIC', 'PARTITION', 'CURRENT-OFFSET', 'LOG-END-OFFSET', 'LAG'],
    g.rows.map((r) => [g.groupId, r.topic, r.partition, r.currentOffset ?? '-', r.logEndOffset, r.lag])
  )
  return `Consumer group '${g.groupId}' (${g.state}), total lag ${g.totalLag}\n\n${table}\n`
}

/** Registers `groups`. */
export function registerGroupsCommand(program: Command, io: CliIo): void {
  addDataDir(
    program
      .command('groups')
      .description('Describe consumer groups: committed offsets and lag (like kafka-consumer-groups --describe)')
      .option('--group <group>', 'only this group')
      .option('--json', 'print JSON'),
    io
  ).action(async (opts: DataDirOpts & { group?: string; json?: boolean }) => {
    const one = opts.group !== undefined ? validated('group/describe', { groupId: opts.group }) : null
    await withEngine(io, opts.dataDir, async (s) => {
      const groups = one ? [await call(s, 'group/describe', one)] : await call(s, 'group/list', {})
      if (opts.json) return printJson(io, one ? groups[0] : groups)
      if (groups.length === 0) return void io.stdout.write('No consumer groups.\n')
      io.stdout.write(groups.map(groupText).join('\n'))
    })
  })
}
