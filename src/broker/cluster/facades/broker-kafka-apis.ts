/**
 * The Kafka request handling of one broker of a Cluster, as its listener serves it: a KafkaApis
 * with every registered handler (apis/index.ts's createApiHandlers) over that broker's facades
 * (Metadata's ClusterBrokerFacade, the data plane's ClusterReplicaFacade, InitProducerId's
 * ClusterProducerIds, the admin APIs' ClusterAdminFacade, the group APIs' ClusterGroupFacade).
 *
 * Must stay true: one BrokerKafkaApis per broker for the cluster's lifetime (the facades keep the
 * broker's purgatories), so a listener reopened after the broker restarts serves the same one;
 * Metadata advertises the addresses the listeners bound at request time.
 */
import { createApiHandlers } from '../../protocol/apis'
import { KafkaApis } from '../../protocol/kafka-apis'
import type { Cluster } from '../cluster'
import { ClusterBrokerFacade, type ListenerAddresses } from './broker-facade-impl'
import { ClusterProducerIds } from './producer-id-facade-impl'
import { ClusterReplicaFacade } from './replica-facade-impl'
import { ClusterAdminFacade } from './cluster-admin-facade'
import { ClusterGroupFacade } from './group-facade-impl'

/** A broker's KafkaApis and the facade whose waits `close()` answers. */
export interface BrokerKafkaApis {
  apis: KafkaApis
  replicas: ClusterReplicaFacade
}

/**
 * The KafkaApis of broker `brokerId` of `cluster`; `addresses` are the listeners' bound addresses
 * (BrokerListeners.addresses), `log` where a failing handler's line goes.
 */
export function brokerKafkaApis(cluster: Cluster, brokerId: number, addresses: ListenerAddresses, log?: (line: string) => void): BrokerKafkaApis {
  const replicas = new ClusterReplicaFacade(cluster, brokerId)
  const apis = new KafkaApis({
    handlers: createApiHandlers({
      broker: new ClusterBrokerFacade(cluster, brokerId, { addresses }),
      replicas,
      producerIds: new ClusterProducerIds(cluster, brokerId),
      admin: new ClusterAdminFacade(cluster, brokerId, { addresses }),
      groups: new ClusterGroupFacade(cluster, brokerId)
    }),
    log
  })
  return { apis, replicas }
}
