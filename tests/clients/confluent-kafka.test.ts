/**
 * confluent-kafka (librdkafka 2.0.2, Debian's python3-confluent-kafka, through /usr/bin/python3)
 * runs the whole client scenario (python-scenario.ts) against a 3-broker cluster over its real
 * listeners: its AdminClient creates the topic; an idempotent producer (enable.idempotence,
 * partitioner murmur2_random) sends with gzip, snappy, lz4 and zstd (the broker reads zstd; it
 * stores batches as sent, so consumers get them back as zstd; librdkafka sends a batch
 * uncompressed when compressing would not shrink it); the leader of partition 0 stops
 * mid-run; two consumers of one group consume everything exactly once; the app's lag equals the
 * client's (get_watermark_offsets' high watermark minus committed). The driver is
 * confluent_kafka_driver.py. Skipped, saying why, when the module is missing.
 */
import { afterAll, describe, it } from 'vitest'
import { pythonModuleMissing } from './python-driver'
import { runPythonScenario } from './python-scenario'
import { GROUP_CONFIG, suiteTimer } from './scenario'
import { startWireCluster, type WireCluster } from './wire-cluster'

const missing = pythonModuleMissing('confluent_kafka', 'python3-confluent-kafka')
if (missing) console.warn(`tests/clients/confluent-kafka: skipped, ${missing}`)

const timer = suiteTimer('confluent-kafka')
let w: WireCluster | null = null
afterAll(async () => {
  await w?.close()
  timer.done()
})

describe.skipIf(missing !== null)('confluent-kafka (librdkafka) against a 3-broker cluster over the wire', () => {
  it('creates the topic, produces keyed records (idempotent; gzip, snappy, lz4, zstd) through a leader stop, a group of 2 consumes each exactly once, and the app shows the lag the client computes', async () => {
    w = await startWireCluster({ groupConfig: GROUP_CONFIG })
    await runPythonScenario(w, {
      client: 'confluent-kafka',
      driver: 'confluent_kafka_driver.py',
      codecs: [
        { name: 'gzip', id: 1 },
        { name: 'snappy', id: 2 },
        { name: 'lz4', id: 3 },
        { name: 'zstd', id: 4 }
      ],
      idempotent: true,
      mayStoreUncompressed: true,
      perCodec: 40
    })
  }, 90_000)
})
