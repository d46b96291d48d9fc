/**
 * ProducerIdControl: the controller's hand-out of producer ids (Kafka's ProducerIdControlManager,
 * KIP-730): blocks of PRODUCER_ID_BLOCK_SIZE consecutive ids, each block recorded in the cluster
 * metadata as its next id (ProducerIdsRecord.NextProducerId), and ProducerIdManager: a broker's
 * current block, from which InitProducerId takes one id at a time (Kafka's RPCProducerIdManager).
 *
 * Must stay true: a block is handed out only once the metadata that records it has been written
 * durably (the caller persists before using it), so an id is never handed out twice, also across
 * restarts: the next block after a restart starts at the recorded next id (unused ids of the last
 * block are skipped, as Kafka skips them).
 */
import { KafkaError } from '../model/errors'
import type { ClusterMetadata } from '../cluster/cluster-metadata'

/** Kafka's ProducerIdsBlock.PRODUCER_ID_BLOCK_SIZE. */
export const PRODUCER_ID_BLOCK_SIZE = 1000

/** A block of producer ids [firstProducerId, firstProducerId + size) (Kafka's ProducerIdsBlock). */
export interface ProducerIdsBlock {
  brokerId: number
  firstProducerId: number
  size: number
}

/** The controller's side: blocks out of the cluster metadata's next producer id. */
export class ProducerIdControl {
  constructor(private readonly meta: ClusterMetadata) {}

  /** The first producer id not yet in a block. */
  get nextProducerId(): number {
    return this.meta.nextProducerId ?? 0
  }

  /**
   * Hands broker `brokerId` the next block (Kafka's generateNextProducerId): raises the metadata's
   * next producer id by the block size; the caller persists it before using the block.
   * @throws KafkaError UNKNOWN_SERVER_ERROR when ids would pass 2^53 - 1 (Kafka's Long range is
   *   wider; JS numbers stay exact below that).
   */
  generateNextProducerIdBlock(brokerId: number): ProducerIdsBlock {
    const first = this.nextProducerId
    if (first + PRODUCER_ID_BLOCK_SIZE > Number.MAX_SAFE_INTEGER) {
      throw new KafkaError('UNKNOWN_SERVER_ERROR', `Producer ids are exhausted: the next block would pass ${Number.MAX_SAFE_INTEGER}`)
    }
    this.meta.nextProducerId = first + PRODUCER_ID_BLOCK_SIZE
    this.meta.producerIdBlockBroker = brokerId
    return { brokerId, firstProducerId: first, size: PRODUCER_ID_BLOCK_SIZE }
  }
}

/** A broker's side: its current block, one id at a time (Kafka's RPCProducerIdManager.generateProducerId). */
export class ProducerIdManager {
  private block: ProducerIdsBlock | null = null
  private next = 0

  /**
   * The next producer id, taking a new block from `allocate` (which must persist it first) when
   * the current one is used up or there is none.
   */
  generateProducerId(allocate: () => ProducerIdsBlock): number {
    if (this.block === null || this.next >= this.block.firstProducerId + this.block.size) {
      this.block = allocate()
      this.next = this.block.firstProducerId
    }
    return this.next++
  }
}
