/**
 * Handlers of `group/*`: list and describe groups with their lag, a group's membership as its
 * coordinator holds it, delete a group, consume as a group, reset offsets.
 */
import { toGroupMembershipView } from '../contract-views'
import { consumeAsGroup, describeGroup, listGroupViews, resetGroup } from '../group-consumer'
import type { HandlerContext, NamespaceHandlers } from './handler-context'

/** group/list, group/describe, group/membership, group/delete, group/consume, group/reset. */
export function groupHandlers({ cluster: c, snapshots }: HandlerContext): NamespaceHandlers<'group'> {
  return {
    'group/list': () => listGroupViews(c),
    'group/describe': ({ groupId }) => describeGroup(c, groupId),
    'group/membership': ({ groupId }) => {
      const d = c.describeGroup(groupId)
      return toGroupMembershipView(d, d.coordinator >= 0 ? snapshots.brokerAddress(d.coordinator) : null)
    },
    'group/delete': async ({ groupId }) => {
      await c.deleteGroup(groupId)
      return { groupId }
    },
    'group/consume': (req) => consumeAsGroup(c, req),
    'group/reset': (req) => resetGroup(c, req)
  }
}
