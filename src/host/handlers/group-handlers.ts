/**
 * Handlers of `group/*`: list and describe groups with their lag, a group's membership as its
 * coordinator holds it, the groups view of one group (membership, lag per partition with its
 * member, rebalance history), delete a group, consume as a group, reset offsets.
 *
 * Must stay true: the rebalance history follows the cluster's events from the moment the handlers
 * are made (seeded with the events the cluster still holds) until the service closes.
 */
import { toGroupMembershipView } from '../contract-views'
import { consumeAsGroup, describeGroup, listGroupViews, resetGroup } from '../group-consumer'
import { groupDetails } from '../group-details'
import { GroupHistory } from '../group-history'
import type { HandlerContext, NamespaceHandlers } from './handler-context'

/** group/list, group/describe, group/membership, group/details, group/delete, group/consume, group/reset. */
export function groupHandlers({ cluster: c, snapshots, onClose }: HandlerContext): NamespaceHandlers<'group'> {
  const history = new GroupHistory()
  onClose(history.follow(c))
  return {
    'group/list': () => listGroupViews(c),
    'group/describe': ({ groupId }) => describeGroup(c, groupId),
    'group/membership': ({ groupId }) => {
      const d = c.describeGroup(groupId)
      return toGroupMembershipView(d, d.coordinator >= 0 ? snapshots.brokerAddress(d.coordinator) : null)
    },
    'group/details': ({ groupId }) => groupDetails(c, groupId, history, (id) => snapshots.brokerAddress(id)),
    'group/delete': async ({ groupId }) => {
      await c.deleteGroup(groupId)
      return { groupId }
    },
    'group/consume': (req) => consumeAsGroup(c, req),
    'group/reset': (req) => resetGroup(c, req)
  }
}
