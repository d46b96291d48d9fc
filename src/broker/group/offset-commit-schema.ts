/**
 * The binary key/value schema of committed offsets in `__consumer_offsets`, as Kafka writes them
 * (GroupMetadataManager / the generated OffsetCommitKey and OffsetCommitValue message classes):
 *
 *   OffsetCommitKey   (version 1): int16 version=1, string group, string topic, int32 partition
 *   OffsetCommitValue (version 3): int16 version=3, int64 offset, int32 leader_epoch,
 *                                  string metadata, int64 commit_timestamp
 *
 * `string` is an int16 byte length followed by UTF-8 bytes. A null value (tombstone) deletes the
 * committed offset. Key version 2 (group metadata) is recognised and skipped by the decoder.
 *
 * Must stay true: encode -> decode round-trips exactly; decoding never reads past the buffer and
 * returns null for records it does not understand (so a foreign record cannot break replay).
 */

/** The key of a committed offset. */
export interface OffsetCommitKey {
  group: string
  topic: string
  partition: number
}

/** The value of a committed offset. */
export interface OffsetCommitValue {
  offset: number
  /** -1 when unknown. */
  leaderEpoch: number
  metadata: string
  /** ms since the epoch. */
  commitTimestamp: number
}

function stringSize(s: string): number {
  return 2 + Buffer.byteLength(s, 'utf8')
}

/** Encode an OffsetCommitKey v1. */
export function encodeOffsetCommitKey(k: OffsetCommitKey): Buffer {
  const buf = Buffer.alloc(2 + stringSize(k.group) + stringSize(k.topic) + 4)
  let pos = buf.writeInt16BE(1, 0)
  pos = writeString(buf, pos, k.group)
  pos = writeString(buf, pos, k.topic)
  buf.writeInt32BE(k.partition, pos)
  return buf
}

/** Encode an OffsetCommitValue v3. */
export function encodeOffsetCommitValue(v: OffsetCommitValue): Buffer {
  const buf = Buffer.alloc(2 + 8 + 4 + stringSize(v.metadata) + 8)
  let pos = buf.writeInt16BE(3, 0)
  pos = buf.writeBigInt64BE(BigInt(v.offset), pos)
  pos = buf.writeInt32BE(v.leaderEpoch, pos)
  pos = writeString(buf, pos, v.metadata)
  buf.writeBigInt64BE(BigInt(v.commitTimestamp), pos)
  return buf
}

/** Decode an OffsetCommitKey (versions 0 and 1 share the layout); null for other key versions or short buffers. */
export function decodeOffsetCommitKey(buf: Buffer): OffsetCommitKey | null {
  try {
    const version = buf.readInt16BE(0)
    if (version !== 0 && version !== 1) return null
    const [group, p1] = readString(buf, 2)
    const [topic, p2] = readString(buf, p1)
    return { group, topic, partition: buf.readInt32BE(p2) }
  } catch {
    return null
  }
}

/** Decode an OffsetCommitValue v3 (v1 and v2 layouts are read too); null when not understood. */
export function decodeOffsetCommitValue(buf: Buffer): OffsetCommitValue | null {
  try {
    const version = buf.readInt16BE(0)
    const offset = Number(buf.readBigInt64BE(2))
    let pos = 10
    let leaderEpoch = -1
    if (version === 3) {
      leaderEpoch = buf.readInt32BE(pos)
      pos += 4
    } else if (version !== 1 && version !== 2 && version !== 0) return null
    const [metadata, p] = readString(buf, pos)
    const commitTimestamp = Number(buf.readBigInt64BE(p))
    return { offset, leaderEpoch, metadata, commitTimestamp }
  } catch {
    return null
  }
}

function writeString(buf: Buffer, pos: number, s: string): number {
  const len = buf.write(s, pos + 2, 'utf8')
  buf.writeInt16BE(len, pos)
  return pos + 2 + len
}

function readString(buf: Buffer, pos: number): [string, number] {
  const len = buf.readInt16BE(pos)
  if (len < 0) return ['', pos + 2]
  if (pos + 2 + len > buf.length) throw new RangeError('string past end of buffer')
  return [buf.toString('utf8', pos + 2, pos + 2 + len), pos + 2 + len]
}
