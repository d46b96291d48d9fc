/**
 * The binary key/value schema of group metadata in `__consumer_offsets`, as Kafka's coordinator
 * writes them (GroupCoordinatorRecordHelpers.newGroupMetadataRecord; the message specs
 * GroupMetadataKey.json and GroupMetadataValue.json of apache/kafka's group-coordinator):
 *
 *   GroupMetadataKey   (version 2): int16 version=2, string group
 *   GroupMetadataValue (version 3, what MetadataVersion.groupMetadataValueVersion() writes from
 *     IBP 2.3 on): int16 version, string protocolType, int32 generation, nullable string protocol,
 *     nullable string leader, int64 currentStateTimestamp (v2+), int32 member count, and per member:
 *     string memberId, nullable string groupInstanceId (v3+), string clientId, string clientHost,
 *     int32 rebalanceTimeout (v1+), int32 sessionTimeout, bytes subscription, bytes assignment.
 *   Version 4 is the flexible form of version 3 (compact strings, bytes and arrays, tagged fields):
 *   read, never written, as Kafka 4.0 does.
 *
 * `string` is an int16 byte length (-1 = null) then UTF-8; `bytes` an int32 length then the bytes.
 * A null value (tombstone) deletes the group.
 *
 * Must stay true: encode -> decode round-trips exactly; decoding never reads past the buffer and
 * returns null for a record it does not understand (so a foreign record cannot break a load).
 */
import { MAX_INT16_STRING_BYTES } from '../codec/byte-writer'

/** Kafka's GroupMetadataValue.MemberMetadata: one member as persisted. Timeouts in ms. */
export interface PersistedMember {
  memberId: string
  groupInstanceId: string | null
  clientId: string
  clientHost: string
  rebalanceTimeoutMs: number
  sessionTimeoutMs: number
  /** The member's metadata for the group's protocol (a consumer's subscription), as the client sent it. */
  subscription: Buffer
  /** The member's assignment from the leader's SyncGroup. */
  assignment: Buffer
}

/** Kafka's GroupMetadataValue: a group after a rebalance (or emptied), as persisted. */
export interface PersistedGroup {
  protocolType: string
  generation: number
  protocol: string | null
  leader: string | null
  /** ms since the epoch of the last state change, -1 when unknown. */
  currentStateTimestamp: number
  members: PersistedMember[]
}

/** The key version of group metadata records (offset commits use 0 and 1). */
export const GROUP_METADATA_KEY_VERSION = 2
/** The value version written (Kafka's groupMetadataValueVersion() for IBP >= 2.3). */
export const GROUP_METADATA_VALUE_VERSION = 3
/**
 * The longest `string` the key and the written value hold, in UTF-8 bytes (an int16 length): group
 * id, protocol type and name, leader, member id, group instance id, client id and host.
 */
export const MAX_SCHEMA_STRING_BYTES = MAX_INT16_STRING_BYTES

/** Encode a GroupMetadataKey v2. */
export function encodeGroupMetadataKey(group: string): Buffer {
  const w = new Writer()
  w.int16(GROUP_METADATA_KEY_VERSION)
  w.string(group)
  return w.done()
}

/** The group of a GroupMetadataKey (version 2); null for other key versions or a malformed key. */
export function decodeGroupMetadataKey(buf: Buffer): string | null {
  try {
    const r = new Reader(buf)
    if (r.int16() !== GROUP_METADATA_KEY_VERSION) return null
    return r.string(false) ?? null
  } catch {
    return null
  }
}

/** Encode a GroupMetadataValue v3. */
export function encodeGroupMetadataValue(g: PersistedGroup): Buffer {
  const w = new Writer()
  w.int16(GROUP_METADATA_VALUE_VERSION)
  w.string(g.protocolType)
  w.int32(g.generation)
  w.string(g.protocol)
  w.string(g.leader)
  w.int64(g.currentStateTimestamp)
  w.int32(g.members.length)
  for (const m of g.members) {
    w.string(m.memberId)
    w.string(m.groupInstanceId)
    w.string(m.clientId)
    w.string(m.clientHost)
    w.int32(m.rebalanceTimeoutMs)
    w.int32(m.sessionTimeoutMs)
    w.bytes(m.subscription)
    w.bytes(m.assignment)
  }
  return w.done()
}

/** Decode a GroupMetadataValue of versions 0 to 4; null when not understood or truncated. */
export function decodeGroupMetadataValue(buf: Buffer): PersistedGroup | null {
  try {
    const r = new Reader(buf)
    const v = r.int16()
    if (v < 0 || v > 4) return null
    const flexible = v >= 4
    const protocolType = r.string(flexible) ?? ''
    const generation = r.int32()
    const protocol = r.string(flexible)
    const leader = r.string(flexible)
    const currentStateTimestamp = v >= 2 ? r.int64() : -1
    const count = flexible ? r.uvarint() - 1 : r.int32()
    if (count < 0 || count > buf.length) return null
    const members: PersistedMember[] = []
    for (let i = 0; i < count; i++) {
      const memberId = r.string(flexible) ?? ''
      const groupInstanceId = v >= 3 ? r.string(flexible) : null
      const clientId = r.string(flexible) ?? ''
      const clientHost = r.string(flexible) ?? ''
      const sessionOrRebalance = r.int32()
      const rebalanceTimeoutMs = v >= 1 ? sessionOrRebalance : -1
      const sessionTimeoutMs = v >= 1 ? r.int32() : sessionOrRebalance
      const subscription = r.bytes(flexible)
      const assignment = r.bytes(flexible)
      if (flexible) r.skipTaggedFields()
      members.push({
        memberId,
        groupInstanceId,
        clientId,
        clientHost,
        rebalanceTimeoutMs: rebalanceTimeoutMs < 0 ? sessionTimeoutMs : rebalanceTimeoutMs,
        sessionTimeoutMs,
        subscription,
        assignment
      })
    }
    if (flexible) r.skipTaggedFields()
    return { protocolType, generation, protocol, leader, currentStateTimestamp, members }
  } catch {
    return null
  }
}

/** Big-endian writer of Kafka's classic (non-flexible) types. */
class Writer {
  private readonly parts: Buffer[] = []
  int16(n: number): void {
    const b = Buffer.alloc(2)
    b.writeInt16BE(n)
    this.parts.push(b)
  }
  int32(n: number): void {
    const b = Buffer.alloc(4)
    b.writeInt32BE(n)
    this.parts.push(b)
  }
  int64(n: number): void {
    const b = Buffer.alloc(8)
    b.writeBigInt64BE(BigInt(n))
    this.parts.push(b)
  }
  string(s: string | null): void {
    if (s === null) return this.int16(-1)
    const body = Buffer.from(s, 'utf8')
    this.int16(body.length)
    this.parts.push(body)
  }
  bytes(b: Buffer): void {
    this.int32(b.length)
    this.parts.push(Buffer.from(b))
  }
  done(): Buffer {
    return Buffer.concat(this.parts)
  }
}

/** Bounds-checked reader of classic and flexible (compact) types. */
class Reader {
  private pos = 0
  constructor(private readonly buf: Buffer) {}
  private need(n: number): void {
    if (n < 0 || this.pos + n > this.buf.length) throw new RangeError('past the end of the record')
  }
  int16(): number {
    this.need(2)
    const v = this.buf.readInt16BE(this.pos)
    this.pos += 2
    return v
  }
  int32(): number {
    this.need(4)
    const v = this.buf.readInt32BE(this.pos)
    this.pos += 4
    return v
  }
  int64(): number {
    this.need(8)
    const v = Number(this.buf.readBigInt64BE(this.pos))
    this.pos += 8
    return v
  }
  uvarint(): number {
    let value = 0
    for (let shift = 0; shift < 35; shift += 7) {
      this.need(1)
      const b = this.buf[this.pos++]
      value += (b & 0x7f) * 2 ** shift
      if ((b & 0x80) === 0) return value
    }
    throw new RangeError('varint too long')
  }
  string(compact: boolean): string | null {
    const len = compact ? this.uvarint() - 1 : this.int16()
    if (len < 0) return null
    this.need(len)
    const s = this.buf.toString('utf8', this.pos, this.pos + len)
    this.pos += len
    return s
  }
  bytes(compact: boolean): Buffer {
    const len = compact ? this.uvarint() - 1 : this.int32()
    if (len < 0) return Buffer.alloc(0)
    this.need(len)
    const b = Buffer.from(this.buf.subarray(this.pos, this.pos + len))
    this.pos += len
    return b
  }
  skipTaggedFields(): void {
    const n = this.uvarint()
    for (let i = 0; i < n; i++) {
      this.uvarint()
      const size = this.uvarint()
      this.need(size)
      this.pos += size
    }
  }
}
