/**
 * ProducerIdFacade: what InitProducerId needs from the engine (Kafka's ProducerIdManager behind the
 * TransactionCoordinator's handleInitProducerId for a null transactional id): a fresh producer id,
 * handed out by this broker from a block the controller allocated and persisted (ProducerIdsRecord),
 * so ids are never reused, not even after a restart.
 *
 * Must stay true: every call returns an id never returned before in this cluster, with epoch 0.
 */

/** A producer id and its epoch. */
export interface ProducerIdAndEpoch {
  producerId: number
  producerEpoch: number
}

/** The engine's producer ids, as one broker hands them out. */
export interface ProducerIdFacade {
  /**
   * A new producer id with epoch 0 for an idempotent producer.
   * @throws KafkaError BROKER_NOT_AVAILABLE (the broker is stopped), KAFKA_STORAGE_ERROR (the
   *   controller could not persist a new block).
   */
  initProducerId(): ProducerIdAndEpoch
}
