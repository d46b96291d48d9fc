/**
 * The text `brokerlab groups --list`, `--describe --state`, `--describe --members [--verbose]` and
 * `--delete` print, laid out as Kafka's kafka-consumer-groups (ConsumerGroupCommand) prints them:
 * GROUP, COORDINATOR (ID), ASSIGNMENT-STRATEGY, STATE, #MEMBERS for --state; GROUP, CONSUMER-ID,
 * HOST, CLIENT-ID, #PARTITIONS (and ASSIGNMENT with --verbose) for --members; Kafka's sentences for
 * a group that does not exist, has no active members or is rebalancing, and for deletions.
 *
 * Must stay true: pure functions of the contract's views (no engine access); every line ends with
 * a newline.
 */
import type { GroupMembershipView, GroupView } from '../../shared/contract'
import { formatTable } from '../table'

/** Kafka's sentence for a group the coordinator does not know. */
export function missingGroupText(groupId: string): string {
  return `Consumer group '${groupId}' does not exist.\n`
}

/** Kafka's warning for a group in the middle of a rebalance ('' otherwise). */
function rebalancingText(v: GroupMembershipView): string {
  return v.state === 'PreparingRebalance' || v.state === 'CompletingRebalance' ? `\nWarning: Consumer group '${v.groupId}' is rebalancing.\n` : ''
}

/** `--list`: one group id a line; with `--state`, a GROUP / STATE table. */
export function listText(groups: GroupView[], withState: boolean): string {
  if (!withState) return groups.map((g) => `${g.groupId}\n`).join('')
  return `${formatTable(['GROUP', 'STATE'], groups.map((g) => [g.groupId, g.state]))}\n`
}

/** `--describe --state` of each group (a missing one gets Kafka's sentence). */
export function stateText(views: GroupMembershipView[]): string {
  const known = views.filter((v) => v.state !== 'Dead')
  const out = views.filter((v) => v.state === 'Dead').map((v) => missingGroupText(v.groupId))
  if (known.length > 0) {
    const rows = known.map((v) => [v.groupId, v.coordinator ? `${v.coordinator.address} (${v.coordinator.id})` : '-', v.assignmentStrategy || '-', v.state, String(v.members.length)])
    out.push(known.map(rebalancingText).join(''), `\n${formatTable(['GROUP', 'COORDINATOR (ID)', 'ASSIGNMENT-STRATEGY', 'STATE', '#MEMBERS'], rows)}\n`)
  }
  return out.join('')
}

/** topic(0,1,2),other(3) as Kafka's --verbose ASSIGNMENT column shows it, '-' for none. */
export function assignmentText(assignment: GroupMembershipView['members'][number]['assignment']): string {
  return assignment.length === 0 ? '-' : assignment.map((a) => `${a.topic}(${a.partitions.join(',')})`).join(',')
}

/** `--describe --members` of each group; `verbose` adds the ASSIGNMENT column. */
export function membersText(views: GroupMembershipView[], verbose: boolean): string {
  const out: string[] = []
  const rows: string[][] = []
  for (const v of views) {
    if (v.state === 'Dead') out.push(missingGroupText(v.groupId))
    else if (v.members.length === 0) out.push(`\nConsumer group '${v.groupId}' has no active members.\n`)
    else {
      out.push(rebalancingText(v))
      for (const m of v.members) {
        const count = m.assignment.reduce((n, a) => n + a.partitions.length, 0)
        rows.push([v.groupId, m.memberId, m.host, m.clientId, String(count), ...(verbose ? [assignmentText(m.assignment)] : [])])
      }
    }
  }
  if (rows.length > 0) out.push(`\n${formatTable(['GROUP', 'CONSUMER-ID', 'HOST', 'CLIENT-ID', '#PARTITIONS', ...(verbose ? ['ASSIGNMENT'] : [])], rows)}\n`)
  return out.join('')
}

/** `--delete`'s report: Kafka's success sentence for the deleted groups, its error list for the others. */
export function deleteText(deleted: string[], failed: { groupId: string; error: string }[]): { stdout: string; stderr: string } {
  const stdout = deleted.length > 0 ? `Deletion of requested consumer groups (${deleted.map((g) => `'${g}'`).join(', ')}) was successful.\n` : ''
  const stderr =
    failed.length > 0 ? `Error: Deletion of some consumer groups failed:\n${failed.map((f) => `* Group '${f.groupId}' could not be deleted due to: ${f.error}\n`).join('')}` : ''
  return { stdout, stderr }
}
