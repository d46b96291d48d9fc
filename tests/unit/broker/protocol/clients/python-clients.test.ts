/**
 * The Python clients (Debian's, for /usr/bin/python3) against a real 3-broker cluster over the
 * wire, without consumer groups: kafka-python 2.0.2 (which guesses the broker release from the
 * ApiVersions table) and confluent-kafka (librdkafka) each produce keyed records with acks=all
 * (murmur2: kafka-python's default partitioner; confluent-kafka with partitioner=murmur2_random)
 * and read them back with assign() from the beginning. Every key lands on the partition murmur2
 * says. Skipped, saying why, when a client is not installed. Bounded in time.
 */
import { spawn, spawnSync } from 'node:child_process'
import { afterEach, describe, expect, it } from 'vitest'
import { murmur2, toPositive } from '../../../../../src/broker/client/partitioner'
import { startWireCluster, type WireCluster } from './wire-cluster'

const PY = '/usr/bin/python3'
const has = (mod: string) => spawnSync(PY, ['-c', `import ${mod}`], { encoding: 'utf8' }).status === 0
const kafkaPython = has('kafka')
const confluent = has('confluent_kafka')
if (!kafkaPython) console.warn('python-clients: the kafka-python case is skipped, python3-kafka is not installed')
if (!confluent) console.warn('python-clients: the confluent-kafka case is skipped, python3-confluent-kafka is not installed')

const N = 60
const PARTITIONS = 6

/** Runs `script` with /usr/bin/python3 (bootstrap servers as argv[1]), at most 60 s; resolves with stdout. */
function runPython(script: string, bootstrap: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const p = spawn(PY, ['-c', script, bootstrap], { stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    let err = ''
    const timer = setTimeout(() => {
      p.kill('SIGKILL')
      reject(new Error(`python did not finish within 60 s\n${err}`))
    }, 60_000)
    p.stdout.on('data', (d) => (out += d))
    p.stderr.on('data', (d) => (err += d))
    p.on('close', (code) => {
      clearTimeout(timer)
      if (code === 0) resolve(out)
      else reject(new Error(`python exited with ${code}\n${err}`))
    })
  })
}

const KAFKA_PYTHON = `
import sys
from kafka import KafkaProducer, KafkaConsumer, TopicPartition
bs = sys.argv[1].split(',')
p = KafkaProducer(bootstrap_servers=bs, acks='all', request_timeout_ms=10000)
fs = [p.send('orders', key=('key-%d' % i).encode(), value=('value-%d' % i).encode()) for i in range(${N})]
for f in fs: f.get(timeout=20)
p.close()
c = KafkaConsumer(bootstrap_servers=bs, group_id=None, enable_auto_commit=False, consumer_timeout_ms=3000, auto_offset_reset='earliest')
c.assign([TopicPartition('orders', i) for i in range(${PARTITIONS})])
c.seek_to_beginning()
n = 0
for m in c:
    print('%d|%s|%s' % (m.partition, m.key.decode(), m.value.decode()))
    n += 1
    if n == ${N}: break
c.close()
`

const CONFLUENT = `
import sys
from confluent_kafka import Producer, Consumer, TopicPartition, OFFSET_BEGINNING
bs = sys.argv[1]
p = Producer({'bootstrap.servers': bs, 'acks': 'all', 'partitioner': 'murmur2_random'})
errors = []
for i in range(${N}):
    p.produce('orders', key=('key-%d' % i).encode(), value=('value-%d' % i).encode(), on_delivery=lambda e, m: e and errors.append(str(e)))
p.flush(20)
assert not errors, errors
c = Consumer({'bootstrap.servers': bs, 'group.id': 'unused-assign-only', 'enable.auto.commit': False})
c.assign([TopicPartition('orders', i, OFFSET_BEGINNING) for i in range(${PARTITIONS})])
n = 0
while n < ${N}:
    m = c.poll(10)
    if m is None: break
    if m.error(): continue
    print('%d|%s|%s' % (m.partition(), m.key().decode(), m.value().decode()))
    n += 1
c.close()
`

function parse(out: string): { partition: number; key: string; value: string }[] {
  return out
    .split('\n')
    .filter((l) => l.includes('|'))
    .map((l) => {
      const [p, key, value] = l.split('|')
      return { partition: Number(p), key, value }
    })
}

describe('Python clients against a real 3-broker cluster over the wire', () => {
  let w: WireCluster | null = null
  afterEach(async () => {
    await w?.close()
    w = null
  })

  for (const [name, available, script] of [
    ['kafka-python', kafkaPython, KAFKA_PYTHON],
    ['confluent-kafka', confluent, CONFLUENT]
  ] as const) {
    it.skipIf(!available)(`${name} produces keyed records (acks=all) and reads every one back by assign, each on its murmur2 partition`, async () => {
      w = await startWireCluster(3)
      w.cluster.createTopic('orders', { partitions: PARTITIONS, replicationFactor: 3 })
      const got = parse(await runPython(script, w.bootstrap()))
      expect(got.length).toBe(N)
      expect(new Set(got.map((r) => r.value))).toEqual(new Set(Array.from({ length: N }, (_, i) => `value-${i}`)))
      for (const r of got) expect([r.key, r.partition]).toEqual([r.key, toPositive(murmur2(Buffer.from(r.key))) % PARTITIONS])
    }, 90_000)
  }
})
