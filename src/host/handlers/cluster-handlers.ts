/**
 * Handlers of `cluster/*`: the snapshot of the whole cluster, and leader elections asked for
 * (cluster/elect-leaders: ClusterApi.electLeaders, preferred or unclean; each election is a cluster
 * event with its reason, so the snapshot's events explain it).
 */
import type { HandlerContext, NamespaceHandlers } from './handler-context'

/** cluster/snapshot, cluster/elect-leaders. */
export function clusterHandlers(ctx: HandlerContext): NamespaceHandlers<'cluster'> {
  return {
    'cluster/snapshot': () => ctx.snapshots.build(),
    'cluster/elect-leaders': ({ electionType, topic, partition }) => ctx.cluster.electLeaders(electionType, topic, partition)
  }
}
