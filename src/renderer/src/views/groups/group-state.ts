/**
 * How the groups view colours Kafka's group states: Stable green, PreparingRebalance and
 * CompletingRebalance amber (a rebalance in flight), Dead red, Empty plain.
 */
import type { GroupView } from '@shared/contract'

/** The naive-ui tag type for a group state. */
export function groupStateTagType(state: GroupView['state']): 'success' | 'warning' | 'error' | 'default' {
  if (state === 'Stable') return 'success'
  if (state === 'PreparingRebalance' || state === 'CompletingRebalance') return 'warning'
  return state === 'Dead' ? 'error' : 'default'
}
