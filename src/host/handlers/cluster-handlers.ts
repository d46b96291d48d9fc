/** Handlers of `cluster/*`: the snapshot of the whole cluster. */
import type { HandlerContext, NamespaceHandlers } from './handler-context'

/** cluster/snapshot. */
export function clusterHandlers(ctx: HandlerContext): NamespaceHandlers<'cluster'> {
  return { 'cluster/snapshot': () => ctx.snapshots.build() }
}
