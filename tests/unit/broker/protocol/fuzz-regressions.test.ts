/**
 * The corpus of what the wire-protocol fuzz test (fuzz.test.ts) found, replayed as regression
 * cases against a real 3-broker cluster over its listeners: each case names the seed that found
 * it, sends the reduced requests to every broker (so the group's coordinator gets them too) and
 * checks the answers the fix gives.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { ByteReader } from '../../../../src/broker/codec/byte-reader'
import { KAFKA_ERROR_CODES } from '../../../../src/broker/model/errors'
import { responseHeaderVersion } from '../../../../src/broker/protocol/header-versions'
import { apiMessages } from '../../../../src/broker/protocol/messages'
import { readResponseHeader } from '../../../../src/broker/protocol/messages/response-header'
import { startWireCluster, type WireCluster } from '../../../clients/wire-cluster'
import { FuzzConnection } from './fuzz-connection'
import { requestFrame, sized } from './fuzz-requests'

/** A JoinGroup v6 body (flexible: compact strings) of a consumer group. */
function join(groupId: string, memberId: string, protocolType = 'consumer', protocolName = 'range'): object {
  return { groupId, sessionTimeoutMs: 10000, rebalanceTimeoutMs: 100, memberId, groupInstanceId: null, protocolType, protocols: [{ name: protocolName, metadata: Buffer.alloc(0) }] }
}

/** Sends one request on `c` and decodes its answer (fails the test on a close or no answer within 10 s). */
async function call<T>(c: FuzzConnection, apiKey: number, version: number, body: object, correlationId: number, clientId = 'fuzz-regression'): Promise<T> {
  c.write(sized(requestFrame(apiKey, version, correlationId, clientId, apiMessages(apiKey)!.encodeRequest(body as never, version))))
  const a = await c.next(10000)
  if (a.kind !== 'frame') throw new Error(`${apiMessages(apiKey)!.name} v${version}: ${a.kind} instead of an answer`)
  expect(a.correlationId).toBe(correlationId)
  const r = new ByteReader(a.frame)
  readResponseHeader(r, responseHeaderVersion(apiKey, version))
  return apiMessages(apiKey)!.readResponse(r, version) as T
}

describe('fuzz regressions over the wire', () => {
  let w: WireCluster | null = null
  const conns: FuzzConnection[] = []
  afterEach(async () => {
    for (const c of conns.splice(0)) c.destroy()
    await w?.close()
    w = null
  })

  async function brokers(): Promise<{ id: number; conn: FuzzConnection }[]> {
    w = await startWireCluster({ brokers: 3 })
    w.cluster.createTopic('fuzz-data', { partitions: 3, replicationFactor: 3 })
    const out: { id: number; conn: FuzzConnection }[] = []
    for (const [id, a] of w.listeners.addresses()) {
      const conn = await FuzzConnection.open(a.port)
      conns.push(conn)
      out.push({ id, conn })
    }
    return out
  }

  // seed 7 (FUZZ_MS=90000): a JoinGroup v6 (compact strings) with a 45654-byte group id made the
  // coordinator create the group, after which ListGroups v0-v2 (int16 strings) answered every client
  // UNKNOWN_SERVER_ERROR, and an OffsetCommit for it failed with UNKNOWN_SERVER_ERROR (its
  // __consumer_offsets key could not be written).
  it('refuses a group id longer than a __consumer_offsets key holds with INVALID_GROUP_ID, and ListGroups in every version stays answerable', async () => {
    const all = await brokers()
    const longId = 'x'.repeat(40000)
    let corr = 1
    for (const { conn } of all) {
      const join = await call<{ errorCode: number }>(
        conn,
        11,
        6,
        { groupId: longId, sessionTimeoutMs: 10000, rebalanceTimeoutMs: 100, memberId: '', protocolType: 'consumer', protocols: [{ name: 'range', metadata: Buffer.alloc(0) }] },
        corr++
      )
      expect(join.errorCode).toBe(KAFKA_ERROR_CODES.INVALID_GROUP_ID)
      const commit = await call<{ topics: { partitions: { errorCode: number }[] }[] }>(
        conn,
        8,
        8,
        { groupId: longId, generationIdOrMemberEpoch: -1, memberId: '', topics: [{ name: 'fuzz-data', partitions: [{ partitionIndex: 0, committedOffset: 1n, committedMetadata: '' }] }] },
        corr++
      )
      expect(commit.topics[0].partitions[0].errorCode).toBe(KAFKA_ERROR_CODES.INVALID_GROUP_ID)
      const find = await call<{ errorCode: number; coordinators: { errorCode: number }[] }>(conn, 10, 4, { keyType: 0, coordinatorKeys: [longId] }, corr++)
      expect(find.coordinators[0].errorCode).toBe(KAFKA_ERROR_CODES.INVALID_GROUP_ID)
    }
    expect(w!.cluster.listGroups()).toEqual([])
    for (const { conn } of all)
      for (let v = 0; v <= 5; v++) {
        const list = await call<{ errorCode: number; groups: unknown[] }>(conn, 16, v, {}, corr++)
        expect(list.errorCode, `ListGroups v${v}`).toBe(0)
        expect(list.groups).toEqual([])
      }
  })

  it('still takes the longest group id a __consumer_offsets key holds (32767 bytes)', async () => {
    const all = await brokers()
    const id = 'g'.repeat(32767)
    let corr = 1
    const answers: number[] = []
    for (const { conn } of all) {
      const commit = await call<{ topics: { partitions: { errorCode: number }[] }[] }>(
        conn,
        8,
        2,
        { groupId: id, generationIdOrMemberEpoch: -1, memberId: '', retentionTimeMs: -1n, topics: [{ name: 'fuzz-data', partitions: [{ partitionIndex: 0, committedOffset: 1n, committedMetadata: '' }] }] },
        corr++
      )
      answers.push(commit.topics[0].partitions[0].errorCode)
    }
    // the coordinator takes it, the other two brokers say NOT_COORDINATOR
    expect(answers.sort((a, b) => a - b)).toEqual([0, KAFKA_ERROR_CODES.NOT_COORDINATOR, KAFKA_ERROR_CODES.NOT_COORDINATOR])
    expect(w!.cluster.fetchOffsets(id).offsets.get('fuzz-data')?.get(0)).toBe(1)
    for (const { conn } of all) expect((await call<{ errorCode: number }>(conn, 16, 2, {}, corr++)).errorCode).toBe(0)
  })

  // found while reducing the seed-7 case: the same holds for the strings a member brings, which
  // GroupMetadataValue v3 stores with int16 lengths. A JoinGroup v6 with a 40000-byte protocol type
  // joined; the leader's SyncGroup then failed with UNKNOWN_SERVER_ERROR (the group's metadata could
  // not be written) and ListGroups v0-v2 and DescribeGroups v0 answered UNKNOWN_SERVER_ERROR.
  it('refuses a JoinGroup whose protocol type, protocol name or would-be member id a group record cannot hold, with INVALID_REQUEST, leaving ListGroups and DescribeGroups answerable', async () => {
    const all = await brokers()
    const long = 'p'.repeat(40000)
    let corr = 1
    const coordinatorOf = async (groupId: string): Promise<FuzzConnection> => {
      for (const { conn } of all) {
        const a = await call<{ errorCode: number }>(conn, 11, 6, join(groupId, ''), corr++)
        if (a.errorCode !== KAFKA_ERROR_CODES.NOT_COORDINATOR) return conn
      }
      throw new Error(`no coordinator for ${groupId}`)
    }
    for (const [groupId, body] of [
      ['g-type', (g: string) => join(g, '', long)],
      ['g-name', (g: string) => join(g, '', 'consumer', long)]
    ] as const) {
      const c = await coordinatorOf(groupId)
      expect((await call<{ errorCode: number }>(c, 11, 6, body(groupId), corr++)).errorCode, groupId).toBe(KAFKA_ERROR_CODES.INVALID_REQUEST)
    }
    // a client id so long that "<client id>-<uuid>" would not fit (the header's client id is an int16 string)
    const c = await coordinatorOf('g-client')
    const a = await call<{ errorCode: number; memberId: string }>(c, 11, 5, { ...join('g-client', ''), rebalanceTimeoutMs: 100 }, corr++, 'c'.repeat(32767))
    expect(a.errorCode).toBe(KAFKA_ERROR_CODES.INVALID_REQUEST)
    for (const { conn } of all) {
      for (let v = 0; v <= 2; v++) expect((await call<{ errorCode: number }>(conn, 16, v, {}, corr++)).errorCode, `ListGroups v${v}`).toBe(0)
      const d = await call<{ groups: { errorCode: number }[] }>(conn, 15, 0, { groups: ['g-type', 'g-name', 'g-client'] }, corr++)
      expect(d.groups.map((g) => g.errorCode).filter((e) => e === KAFKA_ERROR_CODES.UNKNOWN_SERVER_ERROR)).toEqual([])
    }
  })

  // seed 164204827 (CI): a mutated JoinGroup v5 answered UNKNOWN_SERVER_ERROR. A classic string of up
  // to 32767 bytes that is not valid UTF-8 decodes with each bad byte as U+FFFD, 3 bytes written: the
  // member id the answer echoes (here refused INVALID_REQUEST) no longer fit its int16 length, so the
  // answer could not be encoded. Such a string is no value of an int16-length string: the request is
  // malformed, and its connection closes with a line naming the field, as for other malformed frames.
  it('closes the connection of a request whose classic string decodes longer than an int16 length holds, naming the field, and keeps the broker answering', async () => {
    const all = await brokers()
    /** A JoinGroup v5 whose member id is `n` bytes of 0xff (never valid UTF-8). */
    const invalidMemberId = (n: number, correlationId: number): Buffer => {
      const body = apiMessages(11)!.encodeRequest(join('g-utf8', 'm'.repeat(n)) as never, 5)
      const at = body.indexOf(Buffer.from('m'.repeat(n)))
      body.fill(0xff, at, at + n)
      return sized(requestFrame(11, 5, correlationId, 'fuzz-regression', body))
    }
    const { conn } = all[0]
    conn.write(invalidMemberId(11000, 1))
    expect((await conn.next(10000)).kind).toBe('closed')
    const lines = w!.logs.join('\n')
    expect(lines).toMatch(/string JoinGroupRequest\.MemberId of 11000 bytes is not valid UTF-8: decoded \(each invalid byte a 3-byte U\+FFFD\) it is 33000 bytes, more than the 32767 an int16 length holds/)
    expect(w!.logs.filter((l) => l.includes('could not be encoded') || l.includes(' failed: '))).toEqual([])
    // 10922 invalid bytes still fit (32766 decoded): refused for what they are, answered
    const c2 = all[1].conn
    c2.write(invalidMemberId(10922, 2))
    const a = await c2.next(10000)
    expect(a.kind).toBe('frame')
    const r = new ByteReader((a as { frame: Buffer }).frame)
    readResponseHeader(r, responseHeaderVersion(11, 5))
    expect([KAFKA_ERROR_CODES.UNKNOWN_MEMBER_ID, KAFKA_ERROR_CODES.NOT_COORDINATOR]).toContain((apiMessages(11)!.readResponse(r, 5) as { errorCode: number }).errorCode)
  })

  // seed 7 (FUZZ_MS=90000, lanes seeded apart): ElectLeaders v0 for a topic named by 32,700 bytes
  // (a classic string may be that long) answered UNKNOWN_SERVER_ERROR: the per-partition message
  // quoting the name ("This server does not host this topic-partition: topic ...") no longer fit
  // the int16-length errorMessage. CreateTopics' and DeleteTopics' duplicate-name messages quote
  // names the same way.
  it('answers requests naming a very long topic with their own errors, the messages cut to fit, in the classic versions', async () => {
    const all = await brokers()
    const name = 't'.repeat(32700)
    let corr = 1
    for (const { conn } of all) {
      const elect = await call<{ replicaElectionResults: { partitionResult: { errorCode: number; errorMessage: string | null }[] }[] }>(
        conn,
        43,
        0,
        { topicPartitions: [{ topic: name, partitions: [0] }] },
        corr++
      )
      const r = elect.replicaElectionResults[0].partitionResult[0]
      expect(r.errorCode).toBe(KAFKA_ERROR_CODES.UNKNOWN_TOPIC_OR_PARTITION)
      expect(r.errorMessage!.length).toBeLessThanOrEqual(2048)
      expect(r.errorMessage).toMatch(/^This server does not host this topic-partition: topic t+\.\.\. \(\d+ more characters\)$/)
      const create = await call<{ topics: { errorCode: number; errorMessage: string | null }[] }>(
        conn,
        19,
        4,
        { topics: [name, name].map((n) => ({ name: n, numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] })), timeoutMs: 100, validateOnly: true },
        corr++
      )
      expect(create.topics.map((t) => t.errorCode)).toEqual([KAFKA_ERROR_CODES.INVALID_REQUEST, KAFKA_ERROR_CODES.INVALID_REQUEST])
      expect(create.topics[0].errorMessage).toMatch(/^Duplicate topic name: t+\.\.\. \(\d+ more characters\)$/)
    }
    expect(w!.cluster.listTopics().map((t) => t.name)).toEqual(['fuzz-data'])
  })
})
