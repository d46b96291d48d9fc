/**
 * The seeded generator of the wire-protocol fuzz test (fuzz.test.ts): request bodies with random
 * field values for any API and version, built by walking Kafka's own message specs
 * (`../shared/kafka-protocol/messages/*Request.json`, the files the codecs are generated from) and
 * encoded with the generated codecs (src/broker/protocol/messages/); request frames (header + body,
 * with or without the 4-byte size prefix); mutations of valid frames (bit flips, truncation,
 * appended or inserted garbage); random byte streams and hostile size prefixes.
 *
 * Must stay true: everything comes from one FuzzRng, so a seed replays the same inputs; values
 * follow the spec's types (a field absent from the version is left out, nullable fields may be null,
 * tagged fields may be set), so the codec encodes them and the broker sees a well-formed request
 * carrying hostile values; fields that only say how long the broker may wait (timeouts, max wait)
 * stay short, so a request that waits legitimately does not pass for a hang (LegitimateWaits tells
 * how long a mutated one may wait).
 */
import fs from 'node:fs'
import path from 'node:path'
import { ByteReader } from '../../../../src/broker/codec/byte-reader'
import { encodeRecordBatch } from '../../../../src/broker/codec/record-batch'
import { requestHeaderVersion } from '../../../../src/broker/protocol/header-versions'
import { apiMessages } from '../../../../src/broker/protocol/messages'
import { encodeRequestHeader, readRequestHeader } from '../../../../src/broker/protocol/messages/request-header'
import { stripComments } from '../../../../scripts/spec-json.mjs'

/** A small seeded PRNG (mulberry32) with the helpers the generator needs. */
export class FuzzRng {
  private s: number

  /** @param seed any 32-bit integer; the same seed gives the same sequence. */
  constructor(seed: number) {
    this.s = seed | 0
  }

  /** A float in [0, 1). */
  next(): number {
    this.s = (this.s + 0x6d2b79f5) | 0
    let t = this.s
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }

  /** An integer in [lo, hi] (both inclusive). */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1))
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.next() < p
  }

  /** One element of a non-empty array. */
  pick<T>(a: readonly T[]): T {
    return a[Math.floor(this.next() * a.length)]
  }

  /** `n` random bytes. */
  bytes(n: number): Buffer {
    const b = Buffer.allocUnsafe(n)
    for (let i = 0; i < n; i++) b[i] = Math.floor(this.next() * 256)
    return b
  }
}

/** A field of a message spec as the JSON has it (the subset the generator reads). */
export interface SpecField {
  name: string
  type: string
  versions?: string
  nullableVersions?: string
  taggedVersions?: string
  tag?: number
  fields?: SpecField[]
}

/** A request spec: its API key, name, fields and common structs. */
export interface RequestSpec {
  apiKey: number
  name: string
  fields: SpecField[]
  commonStructs: Map<string, SpecField[]>
}

/** Names and ids that exist on the fuzzed cluster, so some random requests reach real state. */
export interface FuzzPool {
  topics: string[]
  topicIds: string[]
  groups: string[]
  brokerIds: number[]
  /** Member ids and generations the broker handed out (JoinGroup answers), so later requests use them. */
  members: string[]
  generations: number[]
}

/**
 * Reads every `*Request.json` of `dir` (Kafka's message specs) by API key.
 * @returns the specs, or null when the directory is absent (a clone without ../shared).
 * @throws SyntaxError for a spec that is not JSON once its comments are stripped.
 */
export function loadRequestSpecs(dir: string): Map<number, RequestSpec> | null {
  if (!fs.existsSync(dir)) return null
  const out = new Map<number, RequestSpec>()
  for (const f of fs.readdirSync(dir).filter((n) => n.endsWith('Request.json'))) {
    const j = JSON.parse(stripComments(fs.readFileSync(path.join(dir, f), 'utf8'))) as {
      apiKey?: number
      type: string
      name: string
      fields: SpecField[]
      commonStructs?: { name: string; fields: SpecField[] }[]
    }
    if (j.type !== 'request' || j.apiKey === undefined) continue
    out.set(j.apiKey, { apiKey: j.apiKey, name: j.name, fields: j.fields, commonStructs: new Map((j.commonStructs ?? []).map((s) => [s.name, s.fields])) })
  }
  return out
}

/** Whether `version` is in a spec range ("0+", "1-3", "3", "none"; undefined: never). */
export function inVersions(range: string | undefined, version: number): boolean {
  if (range === undefined || range === 'none') return false
  const m = /^(\d+)(\+|-(\d+))?$/.exec(range.trim())
  if (!m) throw new Error(`bad version range ${range}`)
  const lo = Number(m[1])
  if (m[2] === '+') return version >= lo
  const hi = m[3] !== undefined ? Number(m[3]) : lo
  return version >= lo && version <= hi
}

const INT_RANGES: Record<string, [number, number]> = {
  int8: [-128, 127],
  int16: [-32768, 32767],
  uint16: [0, 65535],
  int32: [-2147483648, 2147483647],
  uint32: [0, 4294967295]
}
const INT64_MIN = -(2n ** 63n)
const INT64_MAX = 2n ** 63n - 1n
const UNICODE = ['é', 'ß', '日本語', '🦄', '\u0000', '\u200b', 'ǅ', '\ud83d', 'Ω≈ç√', '\u202e']
const CONFIG_NAMES = ['cleanup.policy', 'retention.ms', 'retention.bytes', 'min.insync.replicas', 'segment.bytes', 'max.message.bytes', 'compression.type', 'unclean.leader.election.enable']

/** A random integer of a wire type: boundaries, small values or anything in range. */
function randomInt(rnd: FuzzRng, type: string, name: string, pool: FuzzPool): number {
  const [lo, hi] = INT_RANGES[type]
  // a session timeout the group coordinator accepts (group.min/max.session.timeout.ms) half the time
  if (name === 'SessionTimeoutMs' && rnd.chance(0.5)) return rnd.pick([6000, 10000, 45000])
  if (name === 'GenerationId' && pool.generations.length && rnd.chance(0.5)) return rnd.pick(pool.generations)
  // how long the broker may hold the request: always short (a mutation may still make it long:
  // see legitimateWaitMs), so a legitimate wait is not taken for a hang
  if (/TimeoutMs$|MaxWaitMs$|WaitMs$/.test(name)) return Math.max(lo, rnd.pick([-1, 0, 1, 10, 100, 250]))
  if (/(BrokerId|NodeId|LeaderId|ReplicaId|Replicas|Isr|Controller)/i.test(name) && rnd.chance(0.6)) return rnd.pick([...pool.brokerIds, -1, 0, 99])
  if (/Partition/i.test(name) && rnd.chance(0.6)) return rnd.pick([0, 1, 2, -1, 5])
  if (name === 'Acks' && rnd.chance(0.7)) return rnd.pick([-1, 0, 1])
  const roll = rnd.next()
  if (roll < 0.4) return rnd.pick([lo, hi, lo + 1, hi - 1, 0, 1, -1, 2].filter((v) => v >= lo && v <= hi))
  if (roll < 0.75) return Math.min(hi, Math.max(lo, rnd.int(-3, 10)))
  return rnd.int(lo, hi)
}

function randomInt64(rnd: FuzzRng, name: string): bigint {
  if (/TimeoutMs$|MaxWaitMs$|WaitMs$/.test(name)) return BigInt(rnd.pick([-1, 0, 100]))
  const roll = rnd.next()
  if (roll < 0.4) return rnd.pick([INT64_MIN, INT64_MAX, 0n, -1n, -2n, 1n, 2n ** 31n, 2n ** 53n, -(2n ** 53n)])
  if (roll < 0.75) return BigInt(rnd.int(-3, 100))
  return BigInt.asIntN(64, (BigInt(rnd.int(0, 0xffffffff)) << 32n) | BigInt(rnd.int(0, 0xffffffff)))
}

/** A random string: empty, from the pool, short ASCII, unicode, control characters or huge. */
function randomString(rnd: FuzzRng, name: string, compact: boolean, pool: FuzzPool): string {
  const roll = rnd.next()
  if (roll < 0.12) return ''
  if (roll < 0.45) {
    if (name === 'MemberId' && pool.members.length) return rnd.pick(pool.members)
    if (name === 'ProtocolType') return 'consumer'
    if (name === 'Name' && rnd.chance(0.3)) return rnd.pick(['range', 'roundrobin', 'cooperative-sticky'])
    if (/Topic|^Name$|ResourceName/.test(name) && pool.topics.length) return rnd.pick(pool.topics)
    if (/Group/.test(name) && pool.groups.length) return rnd.pick(pool.groups)
    if (/Config|^Name$/.test(name)) return rnd.pick(CONFIG_NAMES)
  }
  if (roll < 0.65) return Array.from({ length: rnd.int(1, 12) }, () => String.fromCharCode(rnd.int(0x20, 0x7e))).join('')
  if (roll < 0.8) return Array.from({ length: rnd.int(1, 6) }, () => rnd.pick(UNICODE)).join('')
  if (roll < 0.9) return Array.from({ length: rnd.int(1, 8) }, () => String.fromCharCode(rnd.int(0, 0x1f))).join('')
  // huge: a classic (int16-length) string holds at most 32767 bytes; a compact one more, so the
  // lengths just past that limit (what a flexible request can carry and a classic answer or an int16
  // record field cannot) come up often
  const n = compact ? (rnd.chance(0.5) ? rnd.pick([32767, 32768, 32800, 40000]) : rnd.int(1000, 70000)) : rnd.int(1000, 32767)
  const huge = 'x'.repeat(n)
  // remembered, so later requests (ListGroups, DescribeGroups, OffsetFetch) meet what it created
  if (/Group/.test(name) && pool.groups.length < 20) pool.groups.push(huge)
  return huge
}

/** A random uuid as Kafka prints it (22 base64url characters): zero, a real topic id, or random. */
function randomUuid(rnd: FuzzRng, pool: FuzzPool): string {
  const roll = rnd.next()
  if (roll < 0.2) return 'AAAAAAAAAAAAAAAAAAAAAA'
  if (roll < 0.55 && pool.topicIds.length) return rnd.pick(pool.topicIds)
  return rnd.bytes(16).toString('base64url')
}

/** Random bytes for a records field: a valid batch, a bit-flipped one, or garbage. */
function randomRecords(rnd: FuzzRng): Buffer {
  const roll = rnd.next()
  const batch = (): Buffer =>
    encodeRecordBatch(
      0,
      Array.from({ length: rnd.int(1, 5) }, (_, i) => ({ key: rnd.chance(0.5) ? null : Buffer.from(`k${i}`), value: rnd.bytes(rnd.int(0, 64)), timestamp: 1_700_000_000_000 + i }))
    )
  if (roll < 0.35) return batch()
  if (roll < 0.6) {
    const b = batch()
    b[rnd.int(0, b.length - 1)] ^= 1 << rnd.int(0, 7)
    return b
  }
  if (roll < 0.75) return Buffer.concat([batch(), rnd.bytes(rnd.int(1, 30))])
  return rnd.bytes(rnd.int(0, 200))
}

/** The length of a random array: mostly small, sometimes 0 or larger. */
function arrayLength(rnd: FuzzRng): number {
  const roll = rnd.next()
  if (roll < 0.3) return 0
  if (roll < 0.85) return rnd.int(1, 3)
  return rnd.int(4, 24)
}

/** The generated codecs' property name of a spec field (camelCase, as scripts/generate-protocol.mjs). */
function prop(name: string): string {
  return name[0].toLowerCase() + name.slice(1)
}

/** One random value of primitive `type` for field `name`. */
function randomPrim(rnd: FuzzRng, type: string, name: string, compact: boolean, nullable: boolean, pool: FuzzPool): unknown {
  if (nullable && rnd.chance(0.12)) return null
  switch (type) {
    case 'bool':
      return rnd.chance(0.5)
    case 'int8':
    case 'int16':
    case 'uint16':
    case 'int32':
    case 'uint32':
      return randomInt(rnd, type, name, pool)
    case 'int64':
      return randomInt64(rnd, name)
    case 'float64':
      return rnd.pick([0, -0, 1.5, -1, Number.MAX_VALUE, Number.MIN_VALUE, Infinity, -Infinity, NaN])
    case 'string':
      return randomString(rnd, name, compact, pool)
    case 'uuid':
      return randomUuid(rnd, pool)
    case 'bytes':
      return rnd.bytes(rnd.chance(0.9) ? rnd.int(0, 64) : rnd.int(65, 4096))
    case 'records':
      return rnd.chance(0.1) ? null : randomRecords(rnd)
  }
  throw new Error(`no generator for spec type ${type}`)
}

/** A random struct of `fields` in `version` (`flexible`: the version uses compact encodings). */
function randomStruct(rnd: FuzzRng, spec: RequestSpec, fields: readonly SpecField[], version: number, flexible: boolean, pool: FuzzPool, depth: number): Record<string, unknown> {
  const o: Record<string, unknown> = {}
  for (const f of fields) {
    if (!inVersions(f.versions, version)) continue
    if (f.tag !== undefined && rnd.chance(0.5)) continue // a tagged field left out is its default
    const nullable = inVersions(f.nullableVersions, version)
    const array = f.type.startsWith('[]')
    const type = array ? f.type.slice(2) : f.type
    const structFields = f.fields ?? spec.commonStructs.get(type)
    const one = (): unknown =>
      structFields ? randomStruct(rnd, spec, structFields, version, flexible, pool, depth + 1) : randomPrim(rnd, type, f.name, flexible, nullable && !array, pool)
    if (array) {
      if (nullable && rnd.chance(0.15)) o[prop(f.name)] = null
      else o[prop(f.name)] = Array.from({ length: depth > 2 ? Math.min(2, arrayLength(rnd)) : arrayLength(rnd) }, one)
    } else if (structFields && nullable && rnd.chance(0.2)) o[prop(f.name)] = null
    else o[prop(f.name)] = one()
  }
  return o
}

/**
 * A random request body of `spec` in `version`, encoded with the generated codec.
 * @returns the body bytes, or null when the codec refused the random values (e.g. a string too
 *   long for its classic int16 length): the caller draws again.
 */
export function randomRequestBody(rnd: FuzzRng, spec: RequestSpec, version: number, pool: FuzzPool): Buffer | null {
  const api = apiMessages(spec.apiKey)
  if (!api) throw new Error(`API key ${spec.apiKey} has no generated codec`)
  const flexible = api.firstFlexibleVersion !== null && version >= api.firstFlexibleVersion
  const body = randomStruct(rnd, spec, spec.fields, version, flexible, pool, 0)
  try {
    return api.encodeRequest(body, version)
  } catch (e) {
    if (e instanceof RangeError || (e as Error).name === 'UnsupportedVersionError') return null
    throw e
  }
}

/** A client id for a header: a plain one, null, empty, unicode or long. */
export function randomClientId(rnd: FuzzRng): string | null {
  return rnd.pick<string | null>(['fuzz', 'fuzz', 'fuzz', null, '', '🦄-client', 'c'.repeat(rnd.int(100, 3000))])
}

/** A request frame without its size prefix: header (the version's header version) then `body`. */
export function requestFrame(apiKey: number, apiVersion: number, correlationId: number, clientId: string | null, body: Buffer): Buffer {
  const headerVersion = apiMessages(apiKey) ? requestHeaderVersion(apiKey, apiVersion) : 1
  return Buffer.concat([encodeRequestHeader({ requestApiKey: apiKey, requestApiVersion: apiVersion, correlationId, clientId }, headerVersion), body])
}

/** `frame` with its 4-byte big-endian size prefix. */
export function sized(frame: Buffer): Buffer {
  const p = Buffer.allocUnsafe(4)
  p.writeInt32BE(frame.length, 0)
  return Buffer.concat([p, frame])
}

/**
 * A mutation of a valid request frame (no size prefix): bit flips, a truncation, bytes inserted or
 * appended, a length-like byte set to 0xff. The first 8 bytes (api key, version, correlation id)
 * are kept unless `keepHeader` is false, so the answer can still be matched.
 */
export function mutateFrame(rnd: FuzzRng, frame: Buffer, keepHeader = true): Buffer {
  const from = keepHeader ? Math.min(8, frame.length) : 0
  let b = Buffer.from(frame)
  const kind = rnd.int(0, 4)
  if (b.length <= from) return Buffer.concat([b, rnd.bytes(rnd.int(1, 16))])
  if (kind === 0) {
    for (let n = rnd.int(1, 4); n > 0; n--) b[rnd.int(from, b.length - 1)] ^= 1 << rnd.int(0, 7)
  } else if (kind === 1) b = b.subarray(0, rnd.int(from, b.length - 1))
  else if (kind === 2) {
    const at = rnd.int(from, b.length)
    b = Buffer.concat([b.subarray(0, at), rnd.bytes(rnd.int(1, 16)), b.subarray(at)])
  } else if (kind === 3) b = Buffer.concat([b, rnd.bytes(rnd.int(1, 64))])
  else b[rnd.int(from, b.length - 1)] = rnd.pick([0xff, 0x7f, 0x80, 0x00])
  return b
}

/** A random api key: mostly one of the specs', sometimes any int16. */
export function randomApiKey(rnd: FuzzRng, known: readonly number[]): number {
  return rnd.chance(0.7) ? rnd.pick(known) : rnd.int(-32768, 32767)
}

/** A random api version around the known range, or any int16. */
export function randomApiVersion(rnd: FuzzRng, apiKey: number): number {
  const api = apiMessages(apiKey)
  if (!api || rnd.chance(0.2)) return rnd.int(-32768, 32767)
  return rnd.int(api.versions.min - 2, api.versions.max + 3)
}

/** A size prefix that breaks the framing rule, or 0: negative, or above `maxBytes`. */
export function hostileSizePrefix(rnd: FuzzRng, maxBytes: number): Buffer {
  const size = rnd.pick([0, -1, -2147483648, rnd.int(-2147483648, -1), maxBytes + 1, 2147483647, rnd.int(maxBytes + 1, 2147483647)])
  const p = Buffer.allocUnsafe(4)
  p.writeInt32BE(size, 0)
  return p
}

/**
 * Tracks how long the broker may legitimately hold requests (ms), from the requests sent: Fetch's
 * max wait, Produce's timeout, and for JoinGroup / SyncGroup the longest rebalance or session timeout
 * any JoinGroup carried so far (a rebalance waits for the group's other members up to theirs).
 */
export class LegitimateWaits {
  private groupWaitMs = 0

  /** Notes `frame` (a request without size prefix) and returns how long its answer may take, ms (0: no reason to wait). */
  note(frame: Buffer): number {
    if (frame.length < 8) return 0
    const apiKey = frame.readInt16BE(0)
    const version = frame.readInt16BE(2)
    const api = apiMessages(apiKey)
    if (!api || version < api.versions.min || version > api.versions.max || ![0, 1, 11, 14].includes(apiKey)) return 0
    let req: Record<string, unknown>
    try {
      const r = new ByteReader(frame)
      readRequestHeader(r, requestHeaderVersion(apiKey, version))
      req = api.readRequest(r, version) as Record<string, unknown>
    } catch {
      return 0 // the broker refuses it: no wait
    }
    if (apiKey === 0) return Math.max(0, Number(req.timeoutMs))
    if (apiKey === 1) return Math.max(0, Number(req.maxWaitMs))
    if (apiKey === 11) this.groupWaitMs = Math.max(this.groupWaitMs, Number(req.rebalanceTimeoutMs), Number(req.sessionTimeoutMs))
    return this.groupWaitMs
  }
}
