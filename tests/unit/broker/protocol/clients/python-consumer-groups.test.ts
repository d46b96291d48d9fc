/**
 * Python consumer groups over the brokers' real listeners (127.0.0.1, free ports) of a 3-broker
 * Cluster (real clock, background replication): two consumer processes of confluent-kafka
 * (librdkafka) and, separately, of kafka-python 2.0.2 (Debian's packages, through /usr/bin/python3)
 * join one group on a 6-partition topic, split its partitions, and consume every record produced
 * after they joined exactly once, committing synchronously; the group's committed offsets end at
 * the high watermarks. Records are produced in-process (Cluster.produce).
 *
 * The listeners serve every API (brokerKafkaApis); each client case is skipped, saying why, when
 * /usr/bin/python3 cannot import its module.
 * Every process is bounded in time (it stops after 4 s without records, at most 60 s) and killed.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { afterEach, describe, expect, it } from 'vitest'
import type { BrokerListeners } from '../../../../../src/broker/protocol/network/broker-listeners'
import { openGroupTestCluster, startGroupListeners, until, type GroupTestCluster } from '../apis/group-wire'

const PYTHON = '/usr/bin/python3'
const has = (mod: string) => spawnSync(PYTHON, ['-c', `import ${mod}`]).status === 0
const CLIENTS = { 'confluent-kafka': has('confluent_kafka'), 'kafka-python': has('kafka') }
for (const [name, ok] of Object.entries(CLIENTS)) if (!ok) console.warn(`python-consumer-groups: the ${name} case is skipped, /usr/bin/python3 cannot import it`)

/** A consumer printing one JSON line per record ({partition, offset, value}) and committing after each. */
const SCRIPTS = {
  'confluent-kafka': `
import json, sys, time
from confluent_kafka import Consumer
c = Consumer({'bootstrap.servers': sys.argv[1], 'group.id': sys.argv[2], 'client.id': sys.argv[3], 'auto.offset.reset': 'earliest',
              'enable.auto.commit': False, 'session.timeout.ms': 10000, 'heartbeat.interval.ms': 500})
c.subscribe(['t'])
start = last = time.time(); got = False
while time.time() - start < 60 and not (got and time.time() - last > 4):
    m = c.poll(0.5)
    if m is None or m.error(): continue
    print(json.dumps({'partition': m.partition(), 'offset': m.offset(), 'value': m.value().decode()}), flush=True)
    c.commit(message=m, asynchronous=False)
    got = True; last = time.time()
c.close()
`,
  'kafka-python': `
import json, sys, time
from kafka import KafkaConsumer
c = KafkaConsumer('t', bootstrap_servers=sys.argv[1].split(','), group_id=sys.argv[2], client_id=sys.argv[3], auto_offset_reset='earliest',
                  enable_auto_commit=False, session_timeout_ms=10000, heartbeat_interval_ms=500)
start = last = time.time(); got = False
while time.time() - start < 60 and not (got and time.time() - last > 4):
    for tp, records in c.poll(timeout_ms=500).items():
        for m in records:
            print(json.dumps({'partition': m.partition, 'offset': m.offset, 'value': m.value.decode()}), flush=True)
        c.commit()
        got = True; last = time.time()
c.close()
`
} as const

let h: GroupTestCluster | undefined
let listeners: BrokerListeners | undefined
const procs: ChildProcess[] = []

afterEach(async () => {
  for (const p of procs.splice(0)) p.kill('SIGKILL')
  await listeners?.close()
  await h?.cleanup()
  listeners = undefined
  h = undefined
})

describe('python consumer groups', () => {
  for (const client of Object.keys(SCRIPTS) as (keyof typeof SCRIPTS)[]) {
    it.skipIf(!CLIENTS[client])(`two ${client} consumers split 6 partitions and consume every record exactly once with commits`, async () => {
      h = openGroupTestCluster({ brokers: 3, partitions: 6, realTime: true, groupConfig: { 'group.initial.rebalance.delay.ms': 1500 } })
      const cluster = h.cluster
      listeners = await startGroupListeners(cluster)
      const group = `${client}-group`
      const seen: { consumer: number; partition: number; offset: number; value: string }[] = []
      const exits: Promise<number | null>[] = []
      const errs: string[] = []
      for (const i of [1, 2]) {
        const p = spawn(PYTHON, ['-c', SCRIPTS[client], listeners.bootstrapServers(), group, `${client}-${i}`], { stdio: ['ignore', 'pipe', 'pipe'], timeout: 90_000 })
        procs.push(p)
        let buf = ''
        p.stdout!.on('data', (d) => {
          buf += d
          for (let n = buf.indexOf('\n'); n >= 0; n = buf.indexOf('\n')) {
            seen.push({ consumer: i, ...JSON.parse(buf.slice(0, n)) })
            buf = buf.slice(n + 1)
          }
        })
        p.stderr!.on('data', (d) => errs.push(String(d)))
        exits.push(new Promise((r) => p.on('exit', (code) => r(code))))
      }
      await until(() => { const d = cluster.describeGroup(group); return d.state === 'Stable' && d.members.length === 2 }, 45_000, `both ${client} consumers in one Stable generation`)
      await cluster.produce('t', Array.from({ length: 600 }, (_, i) => ({ key: Buffer.from(`k${i}`), value: Buffer.from(`v${i}`) })), { acks: 'all' })
      const codes = await Promise.all(exits)
      expect(codes, errs.join('')).toEqual([0, 0])
      expect(seen).toHaveLength(600)
      expect(new Set(seen.map((s) => s.value)).size).toBe(600)
      expect(new Set(seen.map((s) => s.consumer))).toEqual(new Set([1, 2]))
      const committed = cluster.fetchOffsets(group).offsets.get('t')!
      for (const p of cluster.describeTopic('t').partitions) expect([p.partition, committed.get(p.partition)]).toEqual([p.partition, p.highWatermark])
    }, 120_000)
  }
})
