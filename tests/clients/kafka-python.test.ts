/**
 * kafka-python 2.0.2 (Debian's python3-kafka, through /usr/bin/python3) runs the whole client
 * scenario (python-scenario.ts) against a 3-broker cluster over its real listeners: its
 * KafkaAdminClient creates the topic and describes its configs; its producer (default partitioner:
 * the Java client's murmur2; not idempotent: kafka-python 2.0.2 has no idempotent producer) sends
 * with gzip, the only codec whose Python library is present here (python-snappy, lz4 and zstandard
 * are not installed; a batch gzip would not shrink goes uncompressed, as kafka-python sends it); the
 * leader of partition 0 stops mid-run; two consumers of one group consume
 * everything exactly once; the admin lists and describes the group while it is Stable; the app's lag
 * equals the client's (end_offsets minus committed). The driver is kafka_python_driver.py.
 * Skipped, saying why, when the module is missing.
 */
import { afterAll, describe, expect, it } from 'vitest'
import { pythonModuleMissing } from './python-driver'
import { runPythonScenario } from './python-scenario'
import { GROUP_CONFIG, PARTITIONS, TOPIC, suiteTimer } from './scenario'
import { startWireCluster, type WireCluster } from './wire-cluster'

const missing = pythonModuleMissing('kafka', 'python3-kafka')
if (missing) console.warn(`tests/clients/kafka-python: skipped, ${missing}`)

const timer = suiteTimer('kafka-python')
let w: WireCluster | null = null
afterAll(async () => {
  await w?.close()
  timer.done()
})

/** A config as kafka-python's describe_configs gives it (DescribeConfigs v1: source is Kafka's ConfigSource id, 1 DYNAMIC_TOPIC_CONFIG, 5 DEFAULT_CONFIG). */
interface Config {
  value: string
  read_only: boolean
  source: number
}

describe.skipIf(missing !== null)('kafka-python 2.0.2 against a 3-broker cluster over the wire', () => {
  it('creates the topic and describes its configs, produces keyed records (gzip) through a leader stop, a group of 2 consumes each exactly once, the admin lists and describes the group, and the app shows the lag the client computes', async () => {
    w = await startWireCluster({ groupConfig: GROUP_CONFIG })
    const cluster = w.cluster
    await runPythonScenario(w, {
      client: 'kafka-python',
      driver: 'kafka_python_driver.py',
      codecs: [{ name: 'gzip', id: 1 }],
      idempotent: false,
      mayStoreUncompressed: true,
      perCodec: 120,
      async afterCreate(admin) {
        const d = await admin.request<{ error: number; configs: Record<string, Config> }>('describe_configs', { topic: TOPIC })
        expect(d.error).toBe(0)
        expect(d.configs['retention.ms']).toEqual({ value: '86400000', read_only: false, source: 1 })
        expect(d.configs['cleanup.policy']).toEqual({ value: 'delete', read_only: false, source: 5 })
        expect(d.configs['min.insync.replicas'].value).toBe(String(cluster.describeTopic(TOPIC).configs['min.insync.replicas']))
      },
      async whileStable(admin, group) {
        const g = await admin.request<{ listed: string[][]; group: { state: string; protocol_type: string; protocol: string; members: { client_id: string; client_host: string; partitions: number[] }[] } }>('groups', { group })
        expect(g.listed).toContainEqual([group, 'consumer'])
        expect(g.group).toMatchObject({ state: 'Stable', protocol_type: 'consumer' })
        expect(g.group.protocol).toBe(cluster.describeGroup(group).protocol)
        expect(g.group.members.map((m) => m.client_id).sort()).toEqual(['kafka-python-1', 'kafka-python-2'])
        expect(g.group.members.map((m) => m.client_host)).toEqual(['/127.0.0.1', '/127.0.0.1'])
        expect(g.group.members.flatMap((m) => m.partitions).sort()).toEqual(Array.from({ length: PARTITIONS }, (_, i) => i))
      }
    })
  }, 90_000)
})
