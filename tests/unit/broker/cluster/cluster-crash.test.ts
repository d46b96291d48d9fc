/**
 * Cluster crash test: a child process runs a 3-broker Cluster (storage 'auto') producing keyed
 * records with acks=all to a topic of 3 partitions, replication factor 3, min.insync.replicas 2,
 * and committing a group's offsets now and then, stopping and starting a broker now and then
 * (leader failover, ISR shrink); it is SIGKILLed at random moments, 10 times.
 * After each kill the cluster is reopened in this process and must hold: every acknowledged record
 * at its (partition, offset) with its key and value, offsets contiguous, HW <= LEO on every replica,
 * ISR members among the replicas, acknowledged records surviving a broker bounced before any
 * replication round and another stopped (a restarted replica may lead), every replica's log equal
 * to its leader's once replication settled, the printed committed offsets, and a readable
 * metadata log. The next child continues on the same directory.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { Cluster } from '../../../../src/broker/cluster/cluster'
import type { ReplicaLog } from '../../../../src/broker/cluster/replica-log'
import { OFFSETS_TOPIC, OFFSETS_TOPIC_PARTITIONS, offsetsPartitionFor } from '../../../../src/broker/group/committed-offsets'
import { CRASH_GROUP, CRASH_TOPIC, crashValue } from './fixtures/cluster-crash-records'
import { spawnKillableChild } from '../../support/killable-child'
import { readMetadataImage } from '../../support/metadata-files'

const CHILD = path.join(__dirname, 'fixtures', 'cluster-crash-child.ts')
const KILLS = 10
const dirs: string[] = []
afterAll(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true })
})

interface Ack {
  partition: number
  offset: number
  key: string
}

/** What a killed child printed. */
interface RunOutput {
  acks: Ack[]
  commits: Map<number, number>
  /** Broker stops the child made. */
  stops: number
}

/** A spawned child, loaded and waiting for `go`. */
interface Child {
  go(delayMs: number): Promise<RunOutput>
  stop(): void
}

/** Spawns the child; go() lets it run until `delayMs` after its first ack, then SIGKILLs it. */
function spawnChild(dataDir: string, run: number): Child {
  const child = spawnKillableChild(CHILD, [dataDir, String(run)], { armed: (out) => /\na \d+/.test(out), guardMs: 15_000 })
  return {
    stop: () => child.stop(),
    go: async (delayMs) => {
      const acks: Ack[] = []
      const commits = new Map<number, number>()
      let stops = 0
      for (const l of await child.go(delayMs)) {
        const f = l.split(' ')
        if (f[0] === 'a') acks.push({ partition: Number(f[1]), offset: Number(f[2]), key: f[3] })
        else if (f[0] === 'c') commits.set(Number(f[1]), Number(f[2]))
        else if (f[0] === 's') stops++
      }
      return { acks, commits, stops }
    }
  }
}

/** A partition as the test inspects it: its registration and every replica's log. */
interface PartitionView {
  name: string
  meta: { leader: number; isr: number[]; replicas: number[] }
  log(b: number): ReplicaLog | null
  openLogs(): Map<number, ReplicaLog>
  leaderLog(): ReplicaLog
  logEndOffset: number
}

/** The cluster's partitions of `topic`, seen through its API (describeTopic, replicaLog). */
function partitionsOf(cluster: Cluster, topic: string): PartitionView[] {
  const n = cluster.describeTopic(topic).partitions.length
  return Array.from({ length: n }, (_, i): PartitionView => {
    const state = () => cluster.describeTopic(topic).partitions[i]
    const log = (b: number): ReplicaLog | null => cluster.replicaLog(b, topic, i)
    return {
      name: `${topic}-${i}`,
      get meta() {
        const s = state()
        return { leader: s.leader, isr: s.isr, replicas: s.replicas }
      },
      log,
      openLogs: () => new Map(state().replicas.flatMap((b) => (log(b) ? [[b, log(b)!] as [number, ReplicaLog]] : []))),
      leaderLog: () => log(state().leader)!,
      get logEndOffset() {
        return state().logEndOffset
      }
    }
  })
}

/** Every record of a replica log as `offset|timestamp|key hex|value hex`. */
function dump(log: ReplicaLog): string[] {
  const out: string[] = []
  let o = log.logStartOffset
  while (o < log.logEndOffset) {
    const recs = log.readRecords(o, { maxRecords: 10000 })
    if (recs.length === 0) break
    for (const r of recs) out.push(`${r.offset}|${r.timestamp}|${r.key?.toString('hex')}|${r.value?.toString('hex')}`)
    o = recs[recs.length - 1].offset + 1
  }
  return out
}

describe('cluster crash recovery', () => {
  it(
    'keeps every acks=all record and printed commit, replicas consistent, after 10 SIGKILLs of a producing cluster',
    async () => {
      const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'brokerlab-cluster-crash-'))
      dirs.push(dataDir)
      let seed = 4242
      const rand = (n: number): number => {
        seed = (seed * 1103515245 + 12345) & 0x7fffffff
        return seed % n
      }
      const acked: Ack[] = []
      const committed = new Map<number, number>()
      let stops = 0
      let next = spawnChild(dataDir, 1)
      try {
        for (let k = 0; k < KILLS; k++) {
          const run = await next.go(20 + rand(800))
          next = spawnChild(dataDir, k + 2) // loads while this kill is checked
          acked.push(...run.acks)
          stops += run.stops
          for (const [p, o] of run.commits) committed.set(p, o)

          const meta = readMetadataImage(dataDir)
          expect(meta?.brokers.map((b) => b.id)).toEqual([1, 2, 3])
          expect(meta?.topics.find((t) => t.name === CRASH_TOPIC)?.partitions.length).toBe(3)

          const cluster = new Cluster({ dataDir, autoReplicate: false, log: () => {} })
          try {
            expect(cluster.previousShutdownWasClean).toBe(false)
            for (const t of meta!.topics) expect(t.partitions.every((p) => p.leader === -1 || p.isr.includes(p.leader))).toBe(true)
            const parts = partitionsOf(cluster, CRASH_TOPIC)
            for (const p of parts) {
              for (const b of p.meta.isr) expect(p.meta.replicas).toContain(b)
              expect(p.meta.replicas).toContain(p.meta.leader)
              for (const log of p.openLogs().values()) expect(log.highWatermark).toBeLessThanOrEqual(log.logEndOffset)
            }
            for (const b of cluster.brokers()) if (!b.alive) cluster.startBroker(b.id)
            // Before any replication round (followers' high watermarks are the stale checkpointed
            // ones): bounce one broker, then stop another, so a freshly restarted replica may lead.
            // Leader, ISR and each replica's LEO/HW after every step, for the failure message.
            const dbg = (tag: string): string =>
              parts
                .map((p) => `${tag} ${p.name} leader ${p.meta.leader} isr [${p.meta.isr}] ${p.meta.replicas.map((b) => `${b}:${p.log(b)?.logEndOffset}/${p.log(b)?.highWatermark}`).join(' ')}`)
                .join('\n')
            let trace = `${dbg('open')}\n`
            const bounced = 1 + rand(3)
            const stopped = 1 + ((bounced + rand(2)) % 3)
            cluster.stopBroker(bounced)
            trace += dbg('stop' + bounced) + '\n'
            cluster.startBroker(bounced)
            trace += dbg('start' + bounced) + '\n'
            cluster.stopBroker(stopped)
            trace += dbg('stop' + stopped) + '\n'
            for (const p of parts) if (p.meta.leader >= 0) expect(p.leaderLog().logEndOffset, `${p.name} led by ${p.meta.leader}`).toBeGreaterThanOrEqual(p.leaderLog().highWatermark)
            for (const a of acked)
              if (a.offset >= parts[a.partition].logEndOffset)
                throw new Error(`acknowledged record ${a.key} at ${CRASH_TOPIC}-${a.partition}@${a.offset} is gone after kill ${k + 1}, bounce of ${bounced} and stop of ${stopped}\n${trace}`)
            cluster.replicateNow()
            cluster.startBroker(stopped)
            for (let round = 0; round < 10 && cluster.replicateNow() > 0; round++);
            cluster.tick()
            for (const p of parts) {
              const leaderLog = p.leaderLog()
              const leaderRecords = dump(leaderLog)
              expect(leaderRecords.length).toBe(leaderLog.logEndOffset - leaderLog.logStartOffset)
              leaderRecords.forEach((r, i) => expect(Number(r.split('|')[0])).toBe(leaderLog.logStartOffset + i))
              expect(leaderLog.highWatermark).toBe(leaderLog.logEndOffset)
              for (const b of p.meta.replicas) {
                const log = p.log(b)!
                expect(log.highWatermark, `${p.name} on broker ${b}`).toBeLessThanOrEqual(log.logEndOffset)
                expect(dump(log), `${p.name} on broker ${b}`).toEqual(leaderRecords)
              }
              expect(p.meta.isr).toEqual(p.meta.replicas)
            }
            for (const a of acked) {
              const { records } = cluster.fetch(CRASH_TOPIC, a.partition, a.offset, { maxRecords: 1 })
              const r = records[0]
              if (!r || r.offset !== a.offset || r.key?.toString() !== a.key || !r.value?.equals(crashValue(a.key)))
                throw new Error(`acknowledged record ${a.key} at ${CRASH_TOPIC}-${a.partition}@${a.offset} is not there after kill ${k + 1}`)
            }
            // The group's coordinator partition of __consumer_offsets: replicas equal to the leader too.
            if (committed.size > 0) {
              const coordinator = partitionsOf(cluster, OFFSETS_TOPIC)[offsetsPartitionFor(CRASH_GROUP, OFFSETS_TOPIC_PARTITIONS)]
              const coordinatorRecords = dump(coordinator.leaderLog())
              expect(coordinatorRecords.length).toBeGreaterThan(0)
              for (const b of coordinator.meta.replicas) expect(dump(coordinator.log(b)!), `${coordinator.name} on broker ${b}`).toEqual(coordinatorRecords)
            }
            const offsets = cluster.fetchOffsets(CRASH_GROUP).offsets.get(CRASH_TOPIC)
            for (const [p, o] of committed) expect(offsets?.get(p), `committed offset of partition ${p}`).toBeGreaterThanOrEqual(o)
            // What the cluster now holds is what later runs must keep.
            for (const [p, c] of offsets ?? []) committed.set(p, c)
          } finally {
            await cluster.close()
          }
        }
      } finally {
        next.stop()
      }
      expect(acked.length).toBeGreaterThan(KILLS)
      expect(committed.size).toBeGreaterThan(0)
      expect(stops).toBeGreaterThan(0)
    },
    90_000
  )
})
