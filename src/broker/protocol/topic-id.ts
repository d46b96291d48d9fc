/**
 * Topic ids (KIP-516) in Kafka's Uuid form: 16 random bytes printed as 22 characters of base64url
 * without padding (org.apache.kafka.common.Uuid.toString).
 *
 * Must stay true: a generated id is never the zero uuid (Uuid.ZERO_UUID, "no id") nor the metadata
 * topic's reserved id (Uuid.METADATA_TOPIC_ID, AAAAAAAAAAAAAAAAAAAAAQ), and never starts with "-"
 * (Uuid.randomUuid draws again, so ids are safe as command-line arguments).
 */
import { randomBytes } from 'node:crypto'

/** The zero uuid: "no topic id" on the wire. */
export const ZERO_TOPIC_ID = 'AAAAAAAAAAAAAAAAAAAAAA'
const METADATA_TOPIC_ID = 'AAAAAAAAAAAAAAAAAAAAAQ'

/** A fresh random topic id (Kafka's Uuid.randomUuid). `random` (16 bytes) is injectable for tests. */
export function randomTopicId(random: (n: number) => Buffer = randomBytes): string {
  for (;;) {
    const b = random(16)
    if (b.length !== 16) throw new RangeError(`randomTopicId: the random source gave ${b.length} bytes, not 16`)
    // version 4, variant 2 as java.util.UUID.randomUUID sets them
    b[6] = (b[6] & 0x0f) | 0x40
    b[8] = (b[8] & 0x3f) | 0x80
    const id = b.toString('base64url')
    if (id !== ZERO_TOPIC_ID && id !== METADATA_TOPIC_ID && !id.startsWith('-')) return id
  }
}
