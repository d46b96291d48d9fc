/**
 * GroupHistory: each consumer group's rebalance history for the groups view (group/details): the
 * group events of the cluster event stream (members joining and leaving with why, rebalances
 * started and completed with the generation, groups emptied, deleted, moved to another coordinator,
 * failed metadata writes), kept per group id on the host side, so a busy cluster's other events
 * never push a group's history out of the cluster's shared event log.
 *
 * Must stay true: at most `perGroup` entries per group (the oldest go first) and at most
 * `maxGroups` groups (the group whose newest entry is oldest goes first), so memory stays bounded
 * however many groups come and go; entries of a group are in event order (seq increasing) and an
 * event is kept once, even when it is seen both in the seed and from the subscription; only events
 * with a group kind and a group id are kept.
 */
import { GROUP_EVENT_KINDS, GROUP_HISTORY_ENTRIES, type GroupEventKind, type GroupHistoryEntry } from '../shared/contract'
import type { ClusterEvent } from '../broker/cluster/cluster-events'

/** Groups whose history is kept at most. */
export const GROUP_HISTORY_GROUPS = 1000

/** The event kinds a group's history keeps. */
const GROUP_KINDS: ReadonlySet<string> = new Set<string>(GROUP_EVENT_KINDS)

/** Where the history reads events from: a ClusterApi (recentEvents + onEvent). */
export interface GroupEventSource {
  /** The events kept now, oldest first. */
  recentEvents(): ClusterEvent[]
  /** Calls `listener` with every event from now on; returns the unsubscribe function. */
  onEvent(listener: (event: ClusterEvent) => void): () => void
}

/** Per-group bounded history of group events. Not thread-safe: the engine's event loop owns it. */
export class GroupHistory {
  /** Insertion order = order of each group's newest entry (a group is moved to the end when it gets one). */
  private readonly byGroup = new Map<string, GroupHistoryEntry[]>()

  /**
   * @param perGroup entries kept per group (default GROUP_HISTORY_ENTRIES).
   * @param maxGroups groups kept (default GROUP_HISTORY_GROUPS).
   * @throws RangeError when either is not a positive integer.
   */
  constructor(
    private readonly perGroup = GROUP_HISTORY_ENTRIES,
    private readonly maxGroups = GROUP_HISTORY_GROUPS
  ) {
    for (const [name, v] of [['perGroup', perGroup], ['maxGroups', maxGroups]] as const)
      if (!Number.isInteger(v) || v < 1) throw new RangeError(`GroupHistory ${name} must be a positive integer, got ${v}`)
  }

  /** Keeps `event` in its group's history when it is a group event naming a group; ignores anything else. */
  note(event: ClusterEvent): void {
    if (!GROUP_KINDS.has(event.kind) || event.groupId === undefined) return
    const id = event.groupId
    const list = this.byGroup.get(id) ?? []
    if (list.length > 0 && list[list.length - 1].seq >= event.seq) return // seen already (seed and subscription overlap)
    list.push({
      seq: event.seq,
      time: event.time,
      kind: event.kind as GroupEventKind,
      severity: event.severity,
      generationId: event.generationId ?? null,
      memberId: event.memberId ?? null,
      message: event.message
    })
    if (list.length > this.perGroup) list.splice(0, list.length - this.perGroup)
    this.byGroup.delete(id)
    this.byGroup.set(id, list)
    if (this.byGroup.size > this.maxGroups) this.byGroup.delete(this.byGroup.keys().next().value as string)
  }

  /** The history of `groupId`, oldest first (a copy; empty for a group never seen). */
  entries(groupId: string): GroupHistoryEntry[] {
    return (this.byGroup.get(groupId) ?? []).map((e) => ({ ...e }))
  }

  /**
   * Notes the group events `source` still holds, then every one it emits from now on (both in the
   * same synchronous step, so none falls between). @returns the unsubscribe function.
   */
  follow(source: GroupEventSource): () => void {
    for (const e of source.recentEvents()) this.note(e)
    return source.onEvent((e) => this.note(e))
  }
}
