/**
 * Metadata records as record values: the JSON encoding round-trips every record type, and a value
 * that is not such a record (no value, not JSON, an unknown type, a field of the wrong shape or an
 * unknown field) is refused naming the problem.
 */
import { describe, expect, it } from 'vitest'
import { decodeMetadataRecord, encodeMetadataRecord, type MetadataLogRecord } from '../../../../src/broker/controller/metadata-records'

const ID = 'AAAAAAAAAAAAAAAAAAAAAA'

const decode = (text: string | null): MetadataLogRecord => decodeMetadataRecord({ value: text === null ? null : Buffer.from(text) })

describe('metadata records', () => {
  it('round-trips every record type through its JSON value', () => {
    const records: MetadataLogRecord[] = [
      { type: 'RegisterBrokerRecord', version: 0, data: { BrokerId: 1, Fenced: false } },
      { type: 'BrokerRegistrationChangeRecord', version: 0, data: { BrokerId: 1, Fenced: 1 } },
      { type: 'TopicRecord', version: 0, data: { Name: 'orders', TopicId: ID } },
      { type: 'PartitionRecord', version: 0, data: { PartitionId: 0, TopicId: ID, Replicas: [1, 2], Isr: [1], Leader: 1, LeaderEpoch: 3, PartitionEpoch: 4 } },
      { type: 'PartitionChangeRecord', version: 0, data: { PartitionId: 0, TopicId: ID, Leader: -1, LeaderEpoch: 4, PartitionEpoch: 5 } },
      { type: 'ConfigRecord', version: 0, data: { ResourceType: 2, ResourceName: 'orders', Name: 'retention.ms', Value: null } },
      { type: 'RemoveTopicRecord', version: 0, data: { TopicId: ID } },
      { type: 'SnapshotHeaderRecord', version: 0, data: { Version: 0, LastContainedLogTimestamp: 1700000000000 } },
      { type: 'SnapshotFooterRecord', version: 0, data: { Version: 0 } }
    ]
    for (const r of records) {
      const value = encodeMetadataRecord(r)
      expect(JSON.parse(value.toString('utf8'))).toEqual(r)
      expect(decodeMetadataRecord({ value })).toEqual(r)
    }
  })

  it('refuses a value that is not a metadata record, naming the problem', () => {
    expect(() => decode(null)).toThrow('the record has no value')
    expect(() => decode('{"type":')).toThrow(/^the record value is not JSON: /)
    expect(() => decode('{"type":"FenceBrokerRecord","version":0,"data":{}}')).toThrow(/^the record value is not a metadata record \(type: /)
    expect(() => decode(`{"type":"PartitionRecord","version":0,"data":{"PartitionId":0,"TopicId":"${ID}","Replicas":[1,"2"],"Isr":[],"Leader":1,"LeaderEpoch":0,"PartitionEpoch":0}}`)).toThrow(
      /^the record value is not a metadata record \(data\.Replicas\[1\]: .*expected number/
    )
    expect(() => decode('{"type":"TopicRecord","version":0,"data":{"Name":"orders","TopicId":"short"}}')).toThrow(
      'the record value is not a metadata record (data.TopicId: a Kafka uuid is 22 base64url characters)'
    )
    expect(() => decode(`{"type":"TopicRecord","version":1,"data":{"Name":"orders","TopicId":"${ID}"}}`)).toThrow(/^the record value is not a metadata record \(version: /)
    expect(() => decode(`{"type":"RemoveTopicRecord","version":0,"data":{"TopicId":"${ID}","Extra":1}}`)).toThrow(/^the record value is not a metadata record \(data: .*Extra/)
  })
})
