/**
 * zstd over the wire with kcat (librdkafka, built with zstd): an idempotent kcat producer's zstd
 * batches are stored as sent (codec zstd, its producer id and sequences kept) and read back by kcat;
 * on a topic with compression.type=zstd, kcat's uncompressed batches are recompressed to zstd by
 * the broker and kcat still reads every record. Skipped, saying why, without kcat or without zstd
 * in its librdkafka. Bounded in time; everything started is stopped.
 */
import { spawn, spawnSync } from 'node:child_process'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { zstdCompressorReady } from '../../../../../src/broker/codec/zstd-compressor'
import type { ConsumerRecord } from '../../../../../src/broker/cluster/cluster-api'
import { startWireCluster, type WireCluster } from '../../../../clients/wire-cluster'

const kcat = spawnSync('sh', ['-c', 'command -v kcat'], { encoding: 'utf8' }).stdout.trim()
const features = kcat ? spawnSync(kcat, ['-X', 'list'], { encoding: 'utf8', timeout: 10_000 }).stdout : ''
const hasZstd = /builtin\.features.*\bzstd\b/.test(features)
if (!kcat) console.warn('kcat-zstd: skipped, kcat is not installed')
else if (!hasZstd) console.warn("kcat-zstd: skipped, this kcat's librdkafka is built without zstd")

/** Runs kcat with `args` and `input` on stdin, killed after `timeoutMs`; resolves with stdout when it exits 0. */
function runKcat(args: string[], input: string | null, timeoutMs = 30_000): Promise<string> {
  const p = spawn(kcat, args, { stdio: ['pipe', 'pipe', 'pipe'] })
  let out = ''
  let err = ''
  const done = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      p.kill('SIGKILL')
      reject(new Error(`kcat ${args.join(' ')} did not finish within ${timeoutMs} ms\n${err}`))
    }, timeoutMs)
    p.stdout.on('data', (d) => (out += d))
    p.stderr.on('data', (d) => (err += d))
    p.on('close', (code) => {
      clearTimeout(timer)
      if (code === 0) resolve(out)
      else reject(new Error(`kcat exited with ${code}\n${err}`))
    })
  })
  if (input) p.stdin.write(input)
  p.stdin.end()
  return done
}

const N = 100
const lines = Array.from({ length: N }, (_, i) => `key-${i}:value-${i}-${'z'.repeat(50)}\n`).join('')

function storedRecords(w: WireCluster, topic: string): ConsumerRecord[] {
  return w.cluster.fetch(topic, 0, 0, { maxRecords: 10_000 }).records
}

async function consumeValues(w: WireCluster, topic: string): Promise<string[]> {
  const out = await runKcat(['-b', w.bootstrap(), '-C', '-t', topic, '-o', 'beginning', '-e', '-q', '-f', '%s\\n'], null)
  return out.split('\n').filter((l) => l.length > 0)
}

describe.skipIf(!kcat || !hasZstd)('zstd with kcat over the wire', () => {
  let w: WireCluster | null = null
  beforeAll(() => zstdCompressorReady())
  afterEach(async () => {
    await w?.close()
    w = null
  })

  it("stores an idempotent kcat producer's zstd batches as sent, producer id and sequences kept, and kcat reads them back", async () => {
    w = await startWireCluster({ brokers: 1 })
    w.cluster.createTopic('zs', { partitions: 1, replicationFactor: 1 })
    await runKcat(['-b', w.bootstrap(), '-P', '-t', 'zs', '-K', ':', '-z', 'zstd', '-X', 'enable.idempotence=true', '-X', 'linger.ms=50'], lines)
    const stored = storedRecords(w, 'zs')
    expect(stored.length).toBe(N)
    expect(new Set(stored.map((r) => r.batch?.compression))).toEqual(new Set(['zstd']))
    expect(stored[0].batch!.producerId).toBeGreaterThanOrEqual(0)
    expect(stored.map((r) => r.sequence)).toEqual(Array.from({ length: N }, (_, i) => i))
    expect(await consumeValues(w, 'zs')).toEqual(Array.from({ length: N }, (_, i) => `value-${i}-${'z'.repeat(50)}`))
  }, 60_000)

  it('recompresses uncompressed kcat batches to zstd under compression.type=zstd, and kcat reads every record', async () => {
    w = await startWireCluster({ brokers: 1 })
    w.cluster.createTopic('zt', { partitions: 1, replicationFactor: 1, configs: { 'compression.type': 'zstd' } })
    await runKcat(['-b', w.bootstrap(), '-P', '-t', 'zt', '-K', ':', '-z', 'none', '-X', 'linger.ms=50'], lines)
    const stored = storedRecords(w, 'zt')
    expect(stored.length).toBe(N)
    expect(new Set(stored.map((r) => r.batch?.compression))).toEqual(new Set(['zstd']))
    expect(await consumeValues(w, 'zt')).toEqual(Array.from({ length: N }, (_, i) => `value-${i}-${'z'.repeat(50)}`))
  }, 60_000)
})
