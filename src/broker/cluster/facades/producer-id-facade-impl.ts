/**
 * ClusterProducerIds: the wire protocol's ProducerIdFacade over a Cluster, for one broker
 * (Cluster.initProducerId: the broker's ProducerIdManager, blocks from the controller's
 * ProducerIdControl persisted in the metadata log).
 *
 * Must stay true: ids come from the broker the request reached; a stopped broker refuses.
 */
import type { ProducerIdAndEpoch, ProducerIdFacade } from '../../protocol/producer-id-facade'
import type { Cluster } from '../cluster'

/** Producer ids of broker `brokerId` of `cluster`. */
export class ClusterProducerIds implements ProducerIdFacade {
  constructor(
    private readonly cluster: Cluster,
    readonly brokerId: number
  ) {}

  /** See ProducerIdFacade.initProducerId. */
  initProducerId(): ProducerIdAndEpoch {
    return this.cluster.initProducerId(this.brokerId)
  }
}
