/**
 * explainEvent: one line in plain words per cluster event, built from the event's fields (kind,
 * reason, election, broker, partition, leader epoch, ISR, missed-heartbeat time, lost offsets), for
 * the timeline. The engine's own `message` stays the detailed account; this line says what happened
 * and why in Kafka's terms (broker.session.timeout.ms, replica.lag.time.max.ms, ISR, leader epoch).
 * Must stay true: pure (no clock, no store); it never invents a number the event does not carry:
 * a missing field leaves its clause out, and a kind without fields to explain falls back to the
 * engine's message; offsets, counts and ms read with thousands separators. The fence that caused an election is looked up among `related` events (the
 * newest broker-fenced event of the previous leader before the election), never guessed.
 */
import type { ClusterEventView } from '@shared/contract'
import { formatCount, formatSeconds } from '@renderer/utils/format'

/** "orders-1", or "orders" without a partition, or "" without a topic. */
function partitionName(e: ClusterEventView): string {
  if (e.topic === undefined) return ''
  return e.partition === undefined ? e.topic : `${e.topic}-${e.partition}`
}

const isrText = (isr: number[] | undefined): string => (isr ? ` [${isr.join(', ')}]` : '')
const epochText = (e: ClusterEventView): string => (e.leaderEpoch === undefined ? '' : `, epoch ${e.leaderEpoch}`)
const capitalize = (s: string): string => (s.length === 0 ? s : s[0].toUpperCase() + s.slice(1))

/** The broker-fenced event of `brokerId` that an election at `e` followed (newest before it), if among `related`. */
function fenceBefore(e: ClusterEventView, brokerId: number, related: readonly ClusterEventView[]): ClusterEventView | undefined {
  let found: ClusterEventView | undefined
  for (const r of related) if (r.kind === 'broker-fenced' && r.brokerId === brokerId && r.seq < e.seq && (!found || r.seq > found.seq)) found = r
  return found
}

/** "broker 2 missed heartbeats for 9.0 s (broker.session.timeout.ms), so the controller fenced it" from a broker-fenced event. */
function fenceClause(f: ClusterEventView): string {
  const b = f.brokerId ?? '?'
  if (f.missedHeartbeatMs === undefined) return `the controller fenced broker ${b}`
  return `broker ${b} missed heartbeats for ${formatSeconds(f.missedHeartbeatMs)} (broker.session.timeout.ms${f.sessionTimeoutMs === undefined ? '' : ` = ${formatSeconds(f.sessionTimeoutMs)}`}), so the controller fenced it`
}

/** Why the previous leader gave up leadership, as the start of an election's sentence ("broker 2 stopped (controlled shutdown), so the controller"). */
function electionCause(e: ClusterEventView, related: readonly ClusterEventView[]): string {
  const prev = e.previousLeader ?? -1
  const who = prev >= 0 ? `broker ${prev}` : 'a broker'
  switch (e.reason) {
    case 'fenced': {
      const fence = prev >= 0 ? fenceBefore(e, prev, related) : undefined
      return fence ? `${fenceClause(fence)} and` : `${who} was fenced (it missed heartbeats for broker.session.timeout.ms), so the controller`
    }
    case 'controlled-shutdown':
      return `${who} stopped (a controlled shutdown), so the controller`
    case 'broker-started':
      return `broker ${e.brokerId} started again, so the controller`
    case 'unfenced':
      return `broker ${e.brokerId} heartbeats again and was unfenced, so the controller`
    default:
      return 'the controller'
  }
}

/** leader-elected: offline, clean from the ISR, most complete, preferred, unclean. */
function explainElection(e: ClusterEventView, related: readonly ClusterEventView[]): string {
  const p = partitionName(e)
  const leader = e.brokerId ?? -1
  const prev = e.previousLeader ?? -1
  const before = prev >= 0 ? ` (broker ${prev} led)` : ' (it had no leader)'
  if (leader < 0) {
    const cause = electionCause(e, related)
    return cause === 'the controller'
      ? `${p} is offline: no in-sync replica can lead it${prev >= 0 ? `, broker ${prev} led it` : ''}`
      : `${cause} found no in-sync replica to lead ${p}: it is offline until one comes back${e.isr ? `, ISR${isrText(e.isr)}` : ''}`
  }
  switch (e.election) {
    case 'preferred': {
      const by = e.reason === 'auto-leader-rebalance' ? 'the automatic leader rebalance (auto.leader.rebalance.enable)' : 'a preferred leader election'
      return `${by} moved leadership of ${p} back to its preferred replica, broker ${leader}${before}${epochText(e)}`
    }
    case 'unclean': {
      const why = e.reason === 'unclean-election' ? 'an unclean election was asked for' : 'unclean.leader.election.enable is true'
      return `no in-sync replica of ${p} was left and ${why}, so the controller elected broker ${leader}, a replica outside the ISR (unclean)${before}${epochText(e)}: acknowledged records it lacks are lost`
    }
    case 'most-complete':
      return `${electionCause(e, related)} elected broker ${leader}, the in-sync replica of ${p} with the most complete log, as leader${before}${epochText(e)}`
    default: {
      const cause = electionCause(e, related)
      const from = e.isr ? ` from the ISR${isrText(e.isr)}` : ''
      return `${cause} elected broker ${leader} leader of ${p}${from}${epochText(e)}${cause === 'the controller' ? before : ''}`
    }
  }
}

/** isr-shrink / isr-expand with their reason. */
function explainIsr(e: ClusterEventView): string {
  const p = partitionName(e)
  const b = `broker ${e.brokerId ?? '?'}`
  const now = e.isr ? `, ISR now${isrText(e.isr)}` : ''
  if (e.kind === 'isr-shrink') {
    switch (e.reason) {
      case 'replica-lag':
        return `${b} did not catch up with the leader of ${p} within replica.lag.time.max.ms, so it left the ISR${now}`
      case 'fenced':
        return `${b} was fenced (missed heartbeats), so it left the ISR of ${p}${now}`
      case 'controlled-shutdown':
        return `${b} stopped (a controlled shutdown), so it left the ISR of ${p}${now}`
      case 'below-high-watermark':
      default:
        return `${b} left the ISR of ${p}${now}: its log ends below the new leader's high watermark; it catches up and rejoins`
    }
  }
  switch (e.reason) {
    case 'broker-started':
    case 'unfenced':
      return `${b} is back and caught up with the leader of ${p}, so it rejoined the ISR${now}`
    default:
      return `${b} caught up with the leader of ${p} (reached its log end offset), so it rejoined the ISR${now}`
  }
}

/** The broker faults and the controller's view of brokers. */
function explainBroker(e: ClusterEventView): string | null {
  const b = `broker ${e.brokerId ?? '?'}`
  switch (e.kind) {
    case 'broker-fenced':
      return `${fenceClause(e)}: it leaves every ISR and its partitions elect new leaders from their ISR`
    case 'broker-unfenced':
      return `${b} heartbeats again, so the controller unfenced it: its replicas truncate by leader epoch, catch up and rejoin the ISRs`
    case 'broker-killed':
      return `${b} was killed (no controlled shutdown): the controller notices only when its heartbeats stop for broker.session.timeout.ms`
    case 'broker-stopped':
      return `${b} stopped (a controlled shutdown): it hands over its leaderships and leaves the ISRs`
    case 'broker-started':
      return `${b} started: it recovers its logs, registers with the controller and its replicas catch up`
    case 'broker-slowed':
      return `${b} is slowed: every request it serves or sends (fetch, produce, heartbeat) takes ${e.delayMs === undefined ? 'longer' : `${formatCount(e.delayMs)} ms more`}`
    case 'broker-isolated':
      return `${b} is isolated: clients still reach it, but its heartbeats and replication fail, so the controller fences it after broker.session.timeout.ms`
    case 'broker-healed':
      return `${b} is healed: its slow and isolate faults are undone`
    case 'controller-moved':
      if (e.brokerId === undefined || e.brokerId < 0) return 'no broker runs, so there is no controller'
      return e.previousController !== undefined && e.previousController >= 0
        ? `broker ${e.brokerId} is the active controller now, taking over from broker ${e.previousController}`
        : `broker ${e.brokerId} is the active controller now`
    default:
      return null
  }
}

/**
 * One line in plain words for `event`, e.g. "Broker 2 missed heartbeats for 9.0 s
 * (broker.session.timeout.ms = 9.0 s), so the controller fenced it and elected broker 3 leader of
 * orders-1 from the ISR [3, 1], epoch 4".
 * @param event a cluster event as the snapshot carries it
 * @param related other events (any order) to look up causes in: the broker-fenced event that an
 *   election with reason 'fenced' followed; without it the line names the fence without its timing
 * @returns the sentence, capitalized, without a final period
 */
export function explainEvent(event: ClusterEventView, related: readonly ClusterEventView[] = []): string {
  const p = partitionName(event)
  const b = `broker ${event.brokerId ?? '?'}`
  let line: string | null
  switch (event.kind) {
    case 'leader-elected':
      line = explainElection(event, related)
      break
    case 'isr-shrink':
    case 'isr-expand':
      line = explainIsr(event)
      break
    case 'log-truncated':
      line =
        event.fromOffset !== undefined && event.toOffset !== undefined
          ? `the log of ${p} on ${b} was truncated to offset ${formatCount(event.fromOffset)} (by leader epoch): offsets ${formatCount(event.fromOffset)} to ${formatCount(event.toOffset - 1)} were not in the leader's log, so every replica agrees again`
          : `the log of ${p} on ${b} was truncated to the leader's log (by leader epoch), so every replica agrees again`
      break
    case 'records-lost':
      line =
        event.fromOffset !== undefined && event.toOffset !== undefined
          ? `offsets ${formatCount(event.fromOffset)} to ${formatCount(event.toOffset - 1)} of ${p} (${formatCount(event.count ?? event.toOffset - event.fromOffset)}) were acknowledged but are lost: the new leader, ${b}, has a log that ends at ${formatCount(event.fromOffset)}`
          : null
      break
    case 'replica-offline':
      line = `the replica of ${p} on ${b} went offline (KAFKA_STORAGE_ERROR): its log cannot be read or written`
      break
    case 'replica-online':
      line = `the replica of ${p} on ${b} is online again: it catches up from the leader`
      break
    default:
      line = explainBroker(event)
  }
  return capitalize(line ?? event.message)
}
