/**
 * The fuzz test of the broker's wire protocol (issue 10, Proof): a real 3-broker Cluster with its
 * real listeners (127.0.0.1, ports from 0) gets, for a bounded time (FUZZ_MS, default 6000 ms, and
 * past it until every advertised (api, version) pair was sent unmutated at least once, at most
 * FUZZ_COVER_MS more, default 30000 ms;
 * FUZZ_SEED=N replays a run, the seed is printed: each of the 3 parallel lanes draws from its own
 * generator seeded from it; what the lanes share (member ids and group ids learned along the way)
 * and how they interleave depend on timing, so a replay is close, not exact), random bytes, hostile
 * frame sizes (0, negative, above socket.request.max.bytes: only the 4-byte prefix is sent), truncated frames, valid headers
 * with random api keys and versions, and for every API and version the broker advertises requests
 * encoded by the generated codecs from random field values (fuzz-requests.ts walks Kafka's message
 * specs), plus mutated encodings of them.
 *
 * Asserted throughout: every well-framed request (alone, or up to 16 pipelined) gets an answer with
 * its correlation id, in order (a Produce that may be acks=0: none), decoding whole with the
 * response codec and without UNKNOWN_SERVER_ERROR, followed by the answer to a pipelined ApiVersions
 * probe, or its
 * connection is closed with a log line naming the client, within a bound (unless a mutation made a
 * wait field long: LegitimateWaits); a hostile size prefix
 * closes its connection with Kafka's "Invalid receive" line; a control connection per broker keeps
 * getting correct ApiVersions and Metadata answers between fuzz frames. After: no unhandled
 * rejection or exception in the process, every fuzz connection is gone on the broker's side, the
 * listeners are up, every topic has a valid name and every partition a leader in its replicas and
 * ISR with its high watermark at most its log end offset, kafkajs produces and consumes (a group), and the
 * Cluster opens cleanly again on its directory after close. FUZZ_LOG=FILE writes the brokers' log
 * lines there, to read what the fuzz provoked.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { Kafka, logLevel } from 'kafkajs'
import { describe, expect, it } from 'vitest'
import { ByteReader } from '../../../../src/broker/codec/byte-reader'
import { Cluster } from '../../../../src/broker/cluster/cluster'
import { topicNameProblem } from '../../../../src/broker/model/topic-name'
import { responseHeaderVersion } from '../../../../src/broker/protocol/header-versions'
import { apiMessages } from '../../../../src/broker/protocol/messages'
import type { ApiVersionsResponse } from '../../../../src/broker/protocol/messages/api-versions-response'
import type { MetadataResponse } from '../../../../src/broker/protocol/messages/metadata-response'
import { readResponseHeader } from '../../../../src/broker/protocol/messages/response-header'
import type { BrokerListeners } from '../../../../src/broker/protocol/network/broker-listeners'
import { DEFAULT_SOCKET_REQUEST_MAX_BYTES } from '../../../../src/broker/protocol/network/network-receive'
import { startListeners } from '../../../../src/host/open-listeners'
import { FuzzConnection } from './fuzz-connection'
import {
  FuzzRng,
  hostileSizePrefix,
  LegitimateWaits,
  loadRequestSpecs,
  mutateFrame,
  randomApiKey,
  randomApiVersion,
  randomClientId,
  randomRequestBody,
  requestFrame,
  sized,
  type FuzzPool,
  type RequestSpec
} from './fuzz-requests'

/** How long the fuzz runs at least, ms. */
const FUZZ_MS = Number(process.env.FUZZ_MS ?? 6000)
/** How much longer it may run past FUZZ_MS while some advertised (api, version) pair was not yet sent unmutated, ms. */
const FUZZ_COVER_MS = Number(process.env.FUZZ_COVER_MS ?? 30000)
const SEED = process.env.FUZZ_SEED !== undefined ? Number(process.env.FUZZ_SEED) : Math.floor(Math.random() * 0x7fffffff)
const SPECS_DIR = path.resolve(__dirname, '../../../../../shared/kafka-protocol/messages')
/** How long a well-framed request may go unanswered before it counts as a hang, ms. */
const ANSWER_BOUND_MS = 10000
/** Parallel fuzz connections. */
const LANES = 3
const BROKERS = 3

/** Correlation ids of the probes and control requests: outside what the fuzz frames use. */
let nextProbeId = 0x7e000000

function apiVersionsV0(correlationId: number): Buffer {
  return sized(requestFrame(18, 0, correlationId, 'fuzz-probe', Buffer.alloc(0)))
}

/** The body of an answer frame (after the response header of `apiKey`/`version`) decoded. */
function decodeAnswer<T>(frame: Buffer, apiKey: number, version: number): T {
  const r = new ByteReader(frame)
  readResponseHeader(r, responseHeaderVersion(apiKey, version))
  return apiMessages(apiKey)!.readResponse(r, version) as T
}

/** Every `errorCode` in a decoded answer, at any depth. */
function errorCodes(v: unknown, out: number[] = []): number[] {
  if (Array.isArray(v)) for (const e of v) errorCodes(e, out)
  else if (v !== null && typeof v === 'object' && !Buffer.isBuffer(v))
    for (const [k, x] of Object.entries(v)) {
      if (/errorCode$/i.test(k) && typeof x === 'number') out.push(x)
      else errorCodes(x, out)
    }
  return out
}

/**
 * What is wrong with the answer to `request` (both without size prefix), or null: it must decode
 * whole with the response codec of the request's API and version (ApiVersions of a version the
 * broker does not serve: v0, KIP-511), and carry no UNKNOWN_SERVER_ERROR (Kafka's answer to an
 * exception the broker did not expect: a broker bug, never the client's fault). The member ids and
 * generations of JoinGroup answers go into `pool`, for later requests.
 */
function answerProblem(answer: Buffer, request: Buffer, pool: FuzzPool): string | null {
  const apiKey = request.readInt16BE(0)
  let version = request.readInt16BE(2)
  const api = apiMessages(apiKey)
  if (!api) return `an answer to API key ${apiKey}, which the specs do not define`
  if (apiKey === 18 && (version > api.versions.max || answer.readInt16BE(4) === 35)) version = 0
  let body: unknown
  try {
    const r = new ByteReader(answer)
    readResponseHeader(r, responseHeaderVersion(apiKey, version))
    body = api.readResponse(r, version)
    if (r.remaining() !== 0) return `${r.remaining()} bytes left after the ${api.name} v${version} answer`
  } catch (e) {
    return `the ${api.name} v${version} answer does not decode: ${(e as Error).message}`
  }
  if (apiKey === 11) {
    const j = body as { memberId?: string; generationId?: number }
    if (j.memberId && pool.members.length < 50) pool.members.push(j.memberId)
    if (j.generationId !== undefined && j.generationId >= 0 && pool.generations.length < 50) pool.generations.push(j.generationId)
  }
  if (errorCodes(body).includes(-1)) return `the ${api.name} v${version} answer carries UNKNOWN_SERVER_ERROR: ${JSON.stringify(body, (_k, x) => (typeof x === 'bigint' ? String(x) : x)).slice(0, 400)}`
  return null
}

interface Fuzzed {
  cluster: Cluster
  listeners: BrokerListeners
  dir: string
  logs: string[]
}

async function startFuzzedCluster(): Promise<Fuzzed> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'brokerlab-fuzz-'))
  const logs: string[] = []
  const cluster = new Cluster({ dataDir: dir, brokers: BROKERS, storage: 'file', log: () => {}, eventLog: () => {}, onBackgroundError: () => {} })
  try {
    const listeners = await startListeners(cluster, dir, { host: '127.0.0.1', basePort: 0 }, (line) => logs.push(line))
    return { cluster, listeners, dir, logs }
  } catch (e) {
    await cluster.close()
    throw e
  }
}

/** Waits (bounded) until `cond` holds; returns whether it did. */
async function until(cond: () => boolean, boundMs: number): Promise<boolean> {
  const end = Date.now() + boundMs
  while (!cond()) {
    if (Date.now() > end) return false
    await new Promise((r) => setTimeout(r, 20))
  }
  return true
}

describe.skipIf(!fs.existsSync(SPECS_DIR))('the wire protocol under fuzz', () => {
  it(
    'keeps the broker up and every other connection answered; every frame is answered or its connection closed with a log line; a real client works after',
    async () => {
      // eslint-disable-next-line no-console
      console.log(`fuzz: seed ${SEED} (FUZZ_SEED=${SEED} replays it), ${FUZZ_MS} ms (FUZZ_MS), then until every pair is covered (at most FUZZ_COVER_MS ${FUZZ_COVER_MS} ms more)`)
      const uncaught: string[] = []
      const onUncaught = (e: unknown): void => void uncaught.push(`${(e as Error)?.stack ?? String(e)}`)
      process.on('unhandledRejection', onUncaught)
      process.on('uncaughtException', onUncaught)
      const specs = loadRequestSpecs(SPECS_DIR)!
      const f = await startFuzzedCluster()
      const failures: string[] = []
      const conns: FuzzConnection[] = []
      try {
        const { cluster, listeners, logs } = f
        cluster.createTopic('fuzz-data', { partitions: 3, replicationFactor: 3 })
        await cluster.produce('fuzz-data', [{ key: Buffer.from('k'), value: Buffer.from('v') }, { key: Buffer.from('k2'), value: Buffer.from('v2') }], { acks: 1 })
        const ports = [...listeners.addresses()].map(([id, a]) => ({ id, port: a.port }))
        expect(ports).toHaveLength(BROKERS)
        const pool: FuzzPool = {
          topics: ['fuzz-data', '__consumer_offsets', 'no-such-topic'],
          topicIds: [cluster.topicId('fuzz-data')],
          groups: ['fuzz-group', 'fuzz-group-2'],
          brokerIds: ports.map((p) => p.id),
          members: [],
          generations: []
        }

        // the control connections, and the ApiVersions table they must keep seeing
        const control = new Map<number, FuzzConnection>()
        for (const p of ports) {
          const c = await FuzzConnection.open(p.port)
          conns.push(c)
          control.set(p.id, c)
        }
        const controlCheck = async (brokerId: number): Promise<ApiVersionsResponse> => {
          const c = control.get(brokerId)!
          const av = nextProbeId++
          const md = nextProbeId++
          c.write(sized(requestFrame(18, 3, av, 'fuzz-control', apiMessages(18)!.encodeRequest({ clientSoftwareName: 'fuzz-control', clientSoftwareVersion: '1.0' }, 3))))
          c.write(sized(requestFrame(3, 12, md, 'fuzz-control', apiMessages(3)!.encodeRequest({ topics: null }, 12))))
          const a1 = await c.next(ANSWER_BOUND_MS)
          const a2 = a1.kind === 'frame' ? await c.next(ANSWER_BOUND_MS) : a1
          if (a1.kind !== 'frame' || a1.correlationId !== av || a2.kind !== 'frame' || a2.correlationId !== md) {
            throw new Error(`control connection of broker ${brokerId}: expected answers ${av}, ${md}; got ${a1.kind} ${a1.kind === 'frame' ? a1.correlationId : ''}, ${a2.kind} ${a2.kind === 'frame' ? a2.correlationId : ''}`)
          }
          const versions = decodeAnswer<ApiVersionsResponse>(a1.frame, 18, 3)
          const meta = decodeAnswer<MetadataResponse>(a2.frame, 3, 12)
          expect(versions.errorCode, `broker ${brokerId} ApiVersions error`).toBe(0)
          expect(meta.brokers.map((b) => b.port).sort(), `broker ${brokerId} Metadata brokers`).toEqual(ports.map((p) => p.port).sort())
          expect(pool.brokerIds, `broker ${brokerId} Metadata controller`).toContain(meta.controllerId)
          return versions
        }
        const table = await controlCheck(ports[0].id)
        const advertised = table.apiKeys.map((k) => ({ apiKey: k.apiKey, min: k.minVersion, max: k.maxVersion }))
        for (const p of ports.slice(1)) expect((await controlCheck(p.id)).apiKeys).toEqual(table.apiKeys)
        const pairs: { apiKey: number; version: number; spec: RequestSpec }[] = []
        for (const a of advertised) for (let v = a.min; v <= a.max; v++) pairs.push({ apiKey: a.apiKey, version: v, spec: specs.get(a.apiKey)! })
        expect(pairs.every((p) => p.spec !== undefined), 'every advertised API has a spec').toBe(true)
        const coverage = new Map<string, number>()

        const knownKeys = [...specs.keys()]
        let cases = 0
        let closedWithLog = 0
        let answered = 0
        const deadline = Date.now() + FUZZ_MS
        const coverDeadline = deadline + FUZZ_COVER_MS
        const uncovered = (): boolean => coverage.size < pairs.length
        const goOn = (): boolean => Date.now() < deadline || (uncovered() && Date.now() < coverDeadline)
        const slowest: string[] = []
        const waits = new LegitimateWaits()
        let abandoned = 0

        const logNames = (port: number): boolean => logs.some((l) => l.includes(`127.0.0.1:${port}`))
        const fail = (what: string): void => {
          failures.push(`seed ${SEED}: ${what}`)
        }

        /**
         * Sends well-framed requests pipelined, then an ApiVersions probe; checks that each is answered
         * in order with its correlation id (a Produce may go unanswered: acks=0), then the probe, or
         * that the connection is closed with a log line naming the client.
         */
        const wellFramed = async (port: number, lane: { conn: FuzzConnection | null }, frames: Buffer[], what: string): Promise<void> => {
          if (!lane.conn || lane.conn.closed) {
            lane.conn = await FuzzConnection.open(port)
            conns.push(lane.conn)
          }
          const c = lane.conn
          const t0 = Date.now()
          const probe = nextProbeId++
          const mayWaitMs = Math.max(...frames.map((f) => waits.note(f)))
          c.write(Buffer.concat([...frames.map(sized), apiVersionsV0(probe)]))
          const closedOk = async (): Promise<void> => {
            if (c.framingProblem) return fail(`${what}: ${c.framingProblem}`)
            if (!(await until(() => logNames(c.localPort), 2000))) return fail(`${what}: connection closed without a log line naming 127.0.0.1:${c.localPort}`)
            closedWithLog++
          }
          let i = 0
          for (;;) {
            const a = await c.next(ANSWER_BOUND_MS)
            if (a.kind === 'timeout') {
              if (mayWaitMs >= ANSWER_BOUND_MS / 2) {
                // a mutation made a wait field long (Fetch max wait, a rebalance timeout): a wait, not a hang
                abandoned++
                c.destroy()
                return
              }
              const pending = frames[i] ?? Buffer.alloc(0)
              return fail(`${what}: no answer and no close within ${ANSWER_BOUND_MS} ms (request ${i + 1} of ${frames.length}: ${pending.subarray(0, 64).toString('hex')})`)
            }
            if (a.kind === 'closed') return closedOk()
            // a Produce not answered (acks=0) lets the next answer be the next request's
            while (i < frames.length && frames[i].length >= 8 && a.correlationId !== frames[i].readInt32BE(4) && frames[i].readInt16BE(0) === 0) i++
            if (i === frames.length) {
              if (a.correlationId !== probe) return fail(`${what}: the probe's answer carries correlation id ${a.correlationId}, not ${probe}`)
              if (a.frame.readInt16BE(4) !== 0) return fail(`${what}: the probe's ApiVersions answer has error ${a.frame.readInt16BE(4)}`)
              if (Date.now() - t0 > 500) slowest.push(`${Date.now() - t0} ms: ${what}`)
              return
            }
            const f = frames[i]
            if (f.length < 8 || a.correlationId !== f.readInt32BE(4)) return fail(`${what}: answer ${i + 1} carries correlation id ${a.correlationId}, not the request's ${f.length >= 8 ? f.readInt32BE(4) : '(no header)'}`)
            answered++
            const problem = answerProblem(a.frame, f, pool)
            if (problem) {
              // the broker's own line about it (the handler's exception, or an answer it could not encode) says where the bug is
              const said = logs.filter((l) => l.includes(`127.0.0.1:${c.localPort} `)).slice(-3)
              fail(`${what}: ${problem}${said.length > 0 ? `; the broker logged: ${said.join(' | ')}` : ''}`)
            }
            i++
          }
        }

        /** Bytes that are not a whole request: the connection must close (with a log line) or stay harmless. */
        const notAFrame = async (port: number, bytes: Buffer, expectClose: boolean, what: string): Promise<void> => {
          const c = await FuzzConnection.open(port)
          conns.push(c)
          c.write(bytes)
          if (!expectClose) c.end()
          const a = await c.next(expectClose ? ANSWER_BOUND_MS : 300)
          if (expectClose) {
            if (a.kind !== 'closed') return fail(`${what}: expected the broker to close the connection, got ${a.kind}`)
            if (!(await until(() => logs.some((l) => l.includes(`127.0.0.1:${c.localPort}`) && l.includes('Invalid receive')), 2000)))
              return fail(`${what}: closed without an "Invalid receive" log line naming 127.0.0.1:${c.localPort}`)
            closedWithLog++
          }
          c.destroy()
        }

        /** A lane: its connection, its own generator (seeded from SEED and the lane) and its turn in `pairs`. */
        interface Lane {
          conn: FuzzConnection | null
          rnd: FuzzRng
          cursor: number
        }
        const oneCase = async (lane: Lane, laneNo: number): Promise<void> => {
          const rnd = lane.rnd
          const target = rnd.pick(ports)
          const roll = rnd.next()
          const corr = rnd.int(0, 0x7dffffff)
          if (roll < 0.04) {
            const bytes = rnd.bytes(rnd.int(1, 2048))
            return notAFrame(target.port, bytes, false, `random bytes (${bytes.length}) to broker ${target.id}`)
          }
          if (roll < 0.09) {
            const p = hostileSizePrefix(rnd, DEFAULT_SOCKET_REQUEST_MAX_BYTES)
            const size = p.readInt32BE(0)
            if (size === 0) return wellFramed(target.port, lane, [Buffer.alloc(0)], `an empty frame (size 0) to broker ${target.id}`)
            return notAFrame(target.port, Buffer.concat([p, rnd.bytes(rnd.int(0, 64))]), true, `size prefix ${size} to broker ${target.id}`)
          }
          if (roll < 0.13) {
            const pair = rnd.pick(pairs)
            const body = randomRequestBody(rnd, pair.spec, pair.version, pool) ?? Buffer.alloc(0)
            const frame = requestFrame(pair.apiKey, pair.version, corr, 'fuzz', body)
            const cut = rnd.int(0, Math.max(0, frame.length - 1))
            const p = Buffer.allocUnsafe(4)
            p.writeInt32BE(frame.length, 0)
            return notAFrame(target.port, Buffer.concat([p, frame.subarray(0, cut)]), false, `a truncated frame to broker ${target.id}`)
          }
          if (roll < 0.25) {
            const key = randomApiKey(rnd, knownKeys)
            const version = randomApiVersion(rnd, key)
            let frame: Buffer
            try {
              frame = requestFrame(key, version, corr, randomClientId(rnd), rnd.bytes(rnd.int(0, 256)))
            } catch {
              return // a header the codec refuses to write (a client id too long for int16)
            }
            return wellFramed(target.port, lane, [frame], `API key ${key} v${version} with random body to broker ${target.id} (lane ${laneNo})`)
          }
          // spec-generated requests: the next advertised (api, version) in turn, so all are covered;
          // sometimes a burst of them pipelined on one connection
          const count = roll >= 0.95 ? rnd.int(2, 16) : 1
          const mutated = roll >= 0.7 && roll < 0.95
          const frames: Buffer[] = []
          const names: string[] = []
          for (let n = 0; n < count; n++) {
            const pair = pairs[lane.cursor++ % pairs.length]
            let body: Buffer | null = null
            for (let tries = 0; body === null && tries < 10; tries++) body = randomRequestBody(rnd, pair.spec, pair.version, pool)
            if (body === null) return fail(`${pair.spec.name} v${pair.version}: no random request could be encoded in 10 tries`)
            let frame: Buffer
            try {
              frame = requestFrame(pair.apiKey, pair.version, n === 0 ? corr : rnd.int(0, 0x7dffffff), randomClientId(rnd), body)
            } catch {
              frame = requestFrame(pair.apiKey, pair.version, n === 0 ? corr : rnd.int(0, 0x7dffffff), 'fuzz', body)
            }
            if (mutated) frame = mutateFrame(rnd, frame)
            else coverage.set(`${pair.apiKey}v${pair.version}`, (coverage.get(`${pair.apiKey}v${pair.version}`) ?? 0) + 1)
            frames.push(frame)
            names.push(`${pair.spec.name} v${pair.version}`)
          }
          const what = `${mutated ? 'mutated ' : count > 1 ? `${count} pipelined: ` : ''}${names.join(', ')} to broker ${target.id} (lane ${laneNo})`
          return wellFramed(target.port, lane, frames, what)
        }

        const lanes = Array.from({ length: LANES }, (_, i) => i)
        await Promise.all(
          lanes.map(async (laneNo) => {
            const lane: Lane = { conn: null, rnd: new FuzzRng(SEED + laneNo * 0x9e3779b1), cursor: Math.floor((laneNo * pairs.length) / LANES) }
            while (goOn() && failures.length < 20) {
              await oneCase(lane, laneNo)
              cases++
              if (cases % 25 === 0) {
                const id = lane.rnd.pick(ports).id
                await controlCheck(id).then(
                  (v) => void (JSON.stringify(v.apiKeys) !== JSON.stringify(table.apiKeys) && fail(`broker ${id}'s ApiVersions table changed during the fuzz`)),
                  (e: Error) => fail(e.message)
                )
              }
            }
            lane.conn?.destroy()
          })
        )
        // eslint-disable-next-line no-console
        console.log(`fuzz: ${cases} cases, ${answered} answered, ${closedWithLog} connections closed with a log line, ${abandoned} legitimately long waits abandoned, ${coverage.size}/${pairs.length} (api, version) pairs sent unmutated, in ${Date.now() - deadline + FUZZ_MS} ms`)
        if (process.env.FUZZ_LOG) fs.writeFileSync(process.env.FUZZ_LOG, [...logs, '-- answers slower than 500 ms:', ...slowest].join('\n'))
        expect(failures).toEqual([])
        expect(uncaught, 'unhandled rejections or exceptions').toEqual([])
        expect(pairs.filter((p) => !coverage.has(`${p.apiKey}v${p.version}`)).map((p) => `${p.spec.name} v${p.version}`)).toEqual([])
        for (const p of ports) await controlCheck(p.id)

        // the broker's side: every fuzz connection is gone, only the control connections remain
        for (const c of conns) if (![...control.values()].includes(c)) c.destroy()
        const open = (): number => ports.reduce((n, p) => n + (listeners.server(p.id)?.connections().length ?? 0), 0)
        expect(await until(() => open() === BROKERS, 5000), `connections still open on the brokers: ${open()}`).toBe(true)
        expect(listeners.statuses().map((s) => s.state)).toEqual(ports.map(() => 'listening'))
        for (const t of cluster.listTopics({ includeInternal: true })) {
          expect(topicNameProblem(t.name), `topic ${JSON.stringify(t.name)}`).toBeNull()
          // every partition has a leader among its replicas, in its ISR, and HW <= LEO
          for (const p of t.partitions) {
            const where = `${t.name}-${p.partition}: leader ${p.leader}, replicas ${p.replicas}, ISR ${p.isr}, HW ${p.highWatermark}, LEO ${p.logEndOffset}`
            expect(p.replicas.includes(p.leader) && p.isr.includes(p.leader) && p.isr.every((r) => p.replicas.includes(r)), where).toBe(true)
            expect(p.highWatermark <= p.logEndOffset, where).toBe(true)
          }
        }

        // a real client works afterwards: kafkajs produces and consumes through a group
        const kafka = new Kafka({ clientId: 'after-fuzz', brokers: listeners.bootstrapServers().split(','), logLevel: logLevel.NOTHING, connectionTimeout: 3000, requestTimeout: 10000, retry: { retries: 5, initialRetryTime: 100 } })
        const admin = kafka.admin()
        await admin.connect()
        await admin.createTopics({ topics: [{ topic: 'after-fuzz', numPartitions: 3, replicationFactor: 3 }], waitForLeaders: true })
        await admin.disconnect()
        const producer = kafka.producer({ allowAutoTopicCreation: false })
        await producer.connect()
        await producer.send({ topic: 'after-fuzz', acks: -1, messages: Array.from({ length: 30 }, (_, i) => ({ key: `k${i}`, value: `v${i}` })) })
        await producer.disconnect()
        const consumer = kafka.consumer({ groupId: 'after-fuzz-group', sessionTimeout: 10000, heartbeatInterval: 500, retry: { retries: 5 } })
        const seen = new Set<string>()
        try {
          await consumer.connect()
          await consumer.subscribe({ topic: 'after-fuzz', fromBeginning: true })
          await consumer.run({ eachMessage: async ({ message }) => void seen.add(message.value!.toString()) })
          expect(await until(() => seen.size === 30, 30000), `kafkajs consumed ${seen.size} of 30`).toBe(true)
        } finally {
          await consumer.disconnect().catch(() => {})
        }
        expect(uncaught, 'unhandled rejections or exceptions').toEqual([])
      } finally {
        for (const c of conns) c.destroy()
        await f.listeners.close()
        await f.cluster.close()
        process.off('unhandledRejection', onUncaught)
        process.off('uncaughtException', onUncaught)
      }
      // the engine opens cleanly on what the fuzz left, with the topics it had
      const reopened = new Cluster({ dataDir: f.dir, brokers: BROKERS, storage: 'file', log: () => {}, eventLog: () => {}, onBackgroundError: () => {} })
      try {
        const names = reopened.listTopics().map((t) => t.name)
        expect(names).toContain('after-fuzz')
        for (const n of names) expect(topicNameProblem(n)).toBeNull()
      } finally {
        await reopened.close()
        fs.rmSync(f.dir, { recursive: true, force: true })
      }
    },
    FUZZ_MS + FUZZ_COVER_MS + 120000
  )
})
