/**
 * A replica that might be damaged never decides what the healthy ones keep: a leader whose log was
 * cut, deleted or corrupted (on a closed cluster, or found corrupt while reading) gives way to an
 * intact in-sync replica, the healthy copies are never truncated, every acknowledged record stays
 * readable at its offset, and the damaged replica is rebuilt from the new leader. Each of these is
 * reported as a cluster event.
 */
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import type { Cluster } from '../../../../src/broker/cluster/cluster'
import type { ClusterEvent } from '../../../../src/broker/cluster/cluster-events'
import { CLEAN_SHUTDOWN_FILE, RECOVERY_POINT_CHECKPOINT } from '../../../../src/broker/storage/log-manager'
import { clockClusters } from '../../support/clock-cluster'
import { readMetadataImage } from '../../support/metadata-files'

const clusters = clockClusters('brokerlab-damaged-')

const RECORDS = 2186
const TOPIC = 'orders'

const newDir = (): string => clusters.tempDir()

/** A cluster in `dir` (reopened when it holds one), its log and event lines into `lines`. */
function openCluster(dir: string, lines: string[] = []): Cluster {
  return clusters({ dataDir: dir, log: (l) => lines.push(l), eventLog: (l) => lines.push(l) }).cluster
}

const value = (i: number): string => `{"order":${i},"item":"${'x'.repeat(i % 50)}"}`

/** Produces RECORDS keyed records with acks=all in batches of 100 (segments of 16 KiB, so the log has several). */
async function writeAcknowledged(dir: string): Promise<void> {
  const c = openCluster(dir)
  c.createTopic(TOPIC, { partitions: 2, replicationFactor: 3, configs: { 'segment.bytes': 16384 } })
  for (let i = 0; i < RECORDS; i += 100) {
    const batch = []
    for (let j = i; j < Math.min(RECORDS, i + 100); j++) batch.push({ key: Buffer.from(`k${j}`), value: Buffer.from(value(j)), partition: 0 })
    const acked = c.produce(TOPIC, batch, { acks: 'all' })
    c.replicateNow()
    await acked
  }
  await c.close()
}

function leaderOf(dir: string, partition: number): { leader: number; replicas: number[] } {
  const meta = readMetadataImage(dir)!
  const p = meta.topics.find((t) => t.name === TOPIC)!.partitions[partition]
  return { leader: p.leader, replicas: p.replicas }
}

function logDir(dir: string, broker: number, partition = 0): string {
  return path.join(dir, `broker-${broker}`, `${TOPIC}-${partition}`)
}

/** sha-256 of every `.log` segment file of a replica, by name. */
function segmentHashes(dir: string, broker: number): Record<string, string> {
  const out: Record<string, string> = {}
  for (const f of fs.readdirSync(logDir(dir, broker)).sort())
    if (f.endsWith('.log')) out[f] = crypto.createHash('sha256').update(fs.readFileSync(path.join(logDir(dir, broker), f))).digest('hex')
  return out
}

/** Every record of partition 0 from offset 0 to the high watermark, as offset -> value text. */
function readAll(c: Cluster): Map<number, string> {
  const out = new Map<number, string>()
  let offset = 0
  for (;;) {
    const r = c.fetch(TOPIC, 0, offset, { maxRecords: 1000, maxBytes: 1 << 20 })
    if (r.records.length === 0) break
    for (const rec of r.records) out.set(rec.offset, rec.value!.toString())
    offset = r.nextOffset
  }
  return out
}

function expectEveryAcknowledgedRecord(c: Cluster): void {
  const got = readAll(c)
  expect(got.size).toBe(RECORDS)
  for (let i = 0; i < RECORDS; i++) if (got.get(i) !== value(i)) throw new Error(`offset ${i}: ${got.get(i)} !== ${value(i)}`)
}

/**
 * Flips one bit inside the records of the middle batch of a segment file (covered by the batch's
 * CRC-32C; the 61-byte batch header's first fields are not).
 */
function flipInsideRecords(file: string): void {
  const bytes = fs.readFileSync(file)
  const starts: number[] = []
  for (let p = 0; p + 12 <= bytes.length; p += 12 + bytes.readInt32BE(p + 8)) starts.push(p)
  const at = starts[Math.floor(starts.length / 2)] + 61 + 3
  bytes[at] ^= 0x01
  fs.writeFileSync(file, bytes)
}

function kinds(events: ClusterEvent[]): string[] {
  return events.map((e) => e.kind)
}

/** Damages the leader's log of partition 0 on a closed cluster, reopens, replicates; checks what must hold. */
async function damagedLeaderScenario(damage: (dir: string, leader: number) => void): Promise<{ cluster: Cluster; leader: number; events: ClusterEvent[] }> {
  const dir = newDir()
  await writeAcknowledged(dir)
  const { leader, replicas } = leaderOf(dir, 0)
  const followers = replicas.filter((b) => b !== leader)
  const before = Object.fromEntries(followers.map((b) => [b, segmentHashes(dir, b)]))
  damage(dir, leader)

  const c = openCluster(dir)
  c.describeTopic(TOPIC) // even a read-only command opened the cluster and would replicate next
  c.replicateNow()
  c.maintain()
  const p = c.describeTopic(TOPIC).partitions[0]
  expect(p.leader).not.toBe(leader)
  expect(followers).toContain(p.leader)
  expect(p.highWatermark).toBe(RECORDS)
  expectEveryAcknowledgedRecord(c)
  // The healthy copies were not touched (nothing truncated, nothing rewritten).
  for (const b of followers) expect(segmentHashes(dir, b)).toEqual(before[b])
  // The damaged replica was rebuilt from the new leader and is back in the ISR, byte for byte.
  expect(p.isr.sort()).toEqual([...replicas].sort())
  expect(segmentHashes(dir, leader)).toEqual(before[followers[0]])
  const events = c.recentEvents()
  return { cluster: c, leader, events }
}

describe('a damaged leader log on a closed cluster', () => {
  it('cut in half: an intact ISR member leads, the followers keep every acknowledged record, the cut replica catches up', async () => {
    const { events, leader } = await damagedLeaderScenario((dir, leader) => {
      const segs = fs.readdirSync(logDir(dir, leader)).filter((f) => f.endsWith('.log')).sort()
      // Cut the log in half: the later segments go, the middle one is torn.
      const mid = Math.floor(segs.length / 2)
      const file = path.join(logDir(dir, leader), segs[mid])
      fs.truncateSync(file, Math.floor(fs.statSync(file).size / 2))
      for (const f of segs.slice(mid + 1)) {
        fs.rmSync(path.join(logDir(dir, leader), f))
        fs.rmSync(path.join(logDir(dir, leader), f.replace('.log', '.index')), { force: true })
        fs.rmSync(path.join(logDir(dir, leader), f.replace('.log', '.timeindex')), { force: true })
      }
    })
    expect(kinds(events)).toContain('replica-damaged')
    const elected = events.find((e) => e.kind === 'leader-elected' && e.partition === 0)
    expect(elected?.message).toMatch(new RegExp(`broker ${leader}`))
    // The cut replica left the ISR as the new leader took over: an ISR change with its reason and the ISR after it.
    const shrink = events.find((e) => e.kind === 'isr-shrink' && e.partition === 0 && e.brokerId === leader)
    expect(shrink).toMatchObject({ reason: 'below-high-watermark', leaderEpoch: elected?.leaderEpoch })
    expect(shrink?.isr?.length).toBe(2)
    expect(shrink?.isr).not.toContain(leader)
    expect(kinds(events)).not.toContain('records-lost')
  })

  it('deleted: a leader whose log files are gone gives way, nothing acknowledged is lost', async () => {
    const { events } = await damagedLeaderScenario((dir, leader) => {
      for (const f of fs.readdirSync(logDir(dir, leader))) if (/\.(log|index|timeindex)$/.test(f)) fs.rmSync(path.join(logDir(dir, leader), f))
    })
    expect(kinds(events)).toContain('replica-damaged')
    expect(kinds(events)).toContain('leader-elected')
  })

  it('its whole directory deleted: the leader has no log at all and gives way to the followers', async () => {
    const { events } = await damagedLeaderScenario((dir, leader) => fs.rmSync(logDir(dir, leader), { recursive: true }))
    expect(kinds(events)).toContain('leader-elected')
  })

  it('a flipped byte before an unclean shutdown: recovery cuts the leader at the corrupt batch, the followers keep theirs', async () => {
    const { events } = await damagedLeaderScenario((dir, leader) => {
      const segs = fs.readdirSync(logDir(dir, leader)).filter((f) => f.endsWith('.log')).sort()
      flipInsideRecords(path.join(logDir(dir, leader), segs[1]))
      // As a crash leaves the broker's log dir: no clean-shutdown marker, nothing flushed since offset 0.
      const brokerDir = path.join(dir, `broker-${leader}`)
      fs.rmSync(path.join(brokerDir, CLEAN_SHUTDOWN_FILE))
      fs.writeFileSync(path.join(brokerDir, RECOVERY_POINT_CHECKPOINT), `0\n1\n${TOPIC} 0 0\n`)
    })
    expect(kinds(events)).toContain('replica-damaged')
  })
})

describe('a corrupt batch met while reading', () => {
  it('moves leadership to an intact ISR member, repairs the damaged log and serves every record', async () => {
    const dir = newDir()
    await writeAcknowledged(dir)
    const { leader, replicas } = leaderOf(dir, 0)
    const followers = replicas.filter((b) => b !== leader)
    const before = segmentHashes(dir, followers[0])
    // A flipped bit in the middle of a closed segment: a clean open does not re-validate it.
    const segs = fs.readdirSync(logDir(dir, leader)).filter((f) => f.endsWith('.log')).sort()
    flipInsideRecords(path.join(logDir(dir, leader), segs[1]))

    const c = openCluster(dir)
    expect(c.describeTopic(TOPIC).partitions[0].leader).toBe(leader)
    expectEveryAcknowledgedRecord(c) // the read meets the corrupt batch and fails over
    const p = c.describeTopic(TOPIC).partitions[0]
    expect(followers).toContain(p.leader)
    expect(p.isr).not.toContain(leader)
    const events = c.recentEvents()
    expect(events.find((e) => e.kind === 'replica-damaged')?.message).toMatch(/corrupt|CRC/)
    expect(kinds(events)).toContain('replica-repaired')
    c.replicateNow()
    c.maintain()
    expect(c.describeTopic(TOPIC).partitions[0].isr.sort()).toEqual([...replicas].sort())
    await c.close()
    for (const b of replicas) expect(segmentHashes(dir, b)).toEqual(before)
  })

  it('with no other in-sync replica, refuses the corrupt batch with the file and position, and keeps the log', async () => {
    const dir = newDir()
    const c0 = openCluster(dir)
    c0.createTopic(TOPIC, { partitions: 1, replicationFactor: 1, configs: { 'segment.bytes': 16384 } })
    for (let i = 0; i < 500; i += 100) {
      const batch = Array.from({ length: 100 }, (_, j) => ({ key: null, value: Buffer.from(value(i + j)) }))
      await c0.produce(TOPIC, batch, { acks: 1 })
    }
    await c0.close()
    const { leader } = leaderOf(dir, 0)
    const seg = fs.readdirSync(logDir(dir, leader)).filter((f) => f.endsWith('.log')).sort()[0]
    const file = path.join(logDir(dir, leader), seg)
    flipInsideRecords(file)
    const sizeBefore = fs.statSync(file).size

    const c = openCluster(dir)
    expect(() => readAll(c)).toThrow(new RegExp(`CRC-32C.*${seg}`))
    expect(c.describeTopic(TOPIC).partitions[0].leader).toBe(leader)
    expect(c.recentEvents().filter((e) => e.kind === 'replica-damaged')).toHaveLength(1)
    expect(() => readAll(c)).toThrow(/CRC-32C/)
    expect(c.recentEvents().filter((e) => e.kind === 'replica-damaged')).toHaveLength(1) // reported once
    await c.close()
    expect(fs.statSync(file).size).toBe(sizeBefore)
  })
})
