/** Handlers of `group/*`: list and describe groups with their lag, consume as a group, reset offsets. */
import { consumeAsGroup, describeGroup, listGroupViews, resetGroup } from '../group-consumer'
import type { HandlerContext, NamespaceHandlers } from './handler-context'

/** group/list, group/describe, group/consume, group/reset. */
export function groupHandlers({ cluster: c }: HandlerContext): NamespaceHandlers<'group'> {
  return {
    'group/list': () => listGroupViews(c),
    'group/describe': ({ groupId }) => describeGroup(c, groupId),
    'group/consume': (req) => consumeAsGroup(c, req),
    'group/reset': (req) => resetGroup(c, req)
  }
}
