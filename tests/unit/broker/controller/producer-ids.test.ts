/**
 * Producer id blocks in the cluster metadata: Kafka's ProducerIdsRecord (NextProducerId) encodes,
 * replays only upwards, is part of an image's snapshot records, and is what metadataDelta writes
 * when the controller hands out a block (ProducerIdControl); a broker's ProducerIdManager takes ids
 * from its block and asks for the next one when it is used up.
 */
import { describe, expect, it } from 'vitest'
import { decodeMetadataRecord, encodeMetadataRecord, type ProducerIdsRecord } from '../../../../src/broker/controller/metadata-records'
import { MetadataImage } from '../../../../src/broker/controller/metadata-image'
import { metadataDelta } from '../../../../src/broker/controller/metadata-delta'
import { PRODUCER_ID_BLOCK_SIZE, ProducerIdControl, ProducerIdManager } from '../../../../src/broker/controller/producer-id-control'
import type { ClusterMetadata } from '../../../../src/broker/cluster/cluster-metadata'

/** A cluster of three running brokers and no topics. */
function newClusterMetadata(): ClusterMetadata {
  return { version: 1, clusterId: 'AAAAAAAAAAAAAAAAAAAAAA', cleanShutdown: false, brokers: [1, 2, 3].map((id) => ({ id, alive: true })), topics: [] }
}

const rec = (next: number, broker = 1): ProducerIdsRecord => ({ type: 'ProducerIdsRecord', version: 0, data: { BrokerId: broker, NextProducerId: next } })

describe('ProducerIdsRecord', () => {
  it('encodes as its JSON record value and decodes back; a negative next id is refused', () => {
    expect(decodeMetadataRecord({ value: encodeMetadataRecord(rec(3000, 2)) })).toEqual(rec(3000, 2))
    expect(() => decodeMetadataRecord({ value: Buffer.from(JSON.stringify(rec(-1))) })).toThrow(/NextProducerId/)
  })

  it('replays only upwards: a next id not above the current one is refused, the image unchanged', () => {
    const image = MetadataImage.empty('c')
    expect(image.replay(rec(1000), 0)).toEqual([])
    expect(image.nextProducerId).toBe(1000)
    expect(() => image.replay(rec(1000), 1)).toThrow(/never handed out twice/)
    expect(() => image.replay(rec(10), 2)).toThrow(/not above 1000/)
    expect(image.nextProducerId).toBe(1000)
  })

  it('is in the snapshot records of an image, and metadataDelta writes one when a block was handed out', () => {
    const meta = newClusterMetadata()
    const image = MetadataImage.empty(meta.clusterId)
    image.replayAll(metadataDelta(image, meta), 0)
    const control = new ProducerIdControl(meta)
    expect(control.generateNextProducerIdBlock(2)).toEqual({ brokerId: 2, firstProducerId: 0, size: PRODUCER_ID_BLOCK_SIZE })
    const delta = metadataDelta(image, meta)
    expect(delta).toEqual([rec(PRODUCER_ID_BLOCK_SIZE, 2)])
    image.replayAll(delta, 10)
    expect(image.toClusterMetadata(false)).toMatchObject({ nextProducerId: PRODUCER_ID_BLOCK_SIZE, producerIdBlockBroker: 2 })
    const copy = MetadataImage.empty(meta.clusterId)
    copy.replayAll(image.records(), 0)
    expect(copy.nextProducerId).toBe(PRODUCER_ID_BLOCK_SIZE)
    expect(() => metadataDelta(image, { ...meta, nextProducerId: 5 })).toThrow(/cannot go down/)
  })
})

describe('ProducerIdManager', () => {
  it('hands out the ids of its block in order and asks for a new block only when it is used up', () => {
    const m = new ProducerIdManager()
    let asked = 0
    const allocate = () => ({ brokerId: 1, firstProducerId: 10 + 1000 * asked++, size: 2 })
    expect([m.generateProducerId(allocate), m.generateProducerId(allocate), m.generateProducerId(allocate)]).toEqual([10, 11, 1010])
    expect(asked).toBe(2)
  })
})
