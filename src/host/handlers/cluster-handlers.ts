/**
 * Handlers of `cluster/*`: the snapshot of the whole cluster, and leader elections asked for
 * (cluster/elect-leaders: ClusterApi.electLeaders, preferred or unclean; each election is a cluster
 * event with its reason, so the snapshot's events explain it), and the event log read in order
 * (cluster/events: the oldest events after a sequence number, for a reader filling a gap).
 */
import { CLUSTER_EVENTS_MAX } from '../../shared/contract'
import type { HandlerContext, NamespaceHandlers } from './handler-context'

/** cluster/snapshot, cluster/events, cluster/elect-leaders. */
export function clusterHandlers(ctx: HandlerContext): NamespaceHandlers<'cluster'> {
  return {
    'cluster/snapshot': () => ctx.snapshots.build(),
    'cluster/events': ({ afterSeq, limit }) =>
      ctx.cluster
        .recentEvents(afterSeq)
        .slice(0, limit ?? CLUSTER_EVENTS_MAX)
        .map((e) => ({ ...e })),
    'cluster/elect-leaders': ({ electionType, topic, partition }) => ctx.cluster.electLeaders(electionType, topic, partition)
  }
}
