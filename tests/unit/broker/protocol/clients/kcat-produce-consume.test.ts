/**
 * kcat (librdkafka) produces keyed records (-P, murmur2 partitioner, acks=all, gzip) to a real
 * 3-broker cluster with RF 3 over the wire; mid-run, once records are committed, the leader
 * of a partition is stopped (its listener closed) and the same producer goes on (it follows the new
 * leaders); then kcat consumes everything back (-C -e, no group): every record once, every key on
 * the partition the Java client's murmur2 says. Skipped, saying why, without kcat. Bounded in time; everything started is stopped.
 */
import { spawn, spawnSync } from 'node:child_process'
import { afterEach, describe, expect, it } from 'vitest'
import { murmur2, toPositive } from '../../../../../src/broker/client/partitioner'
import { startWireCluster, type WireCluster } from './wire-cluster'

const kcat = spawnSync('sh', ['-c', 'command -v kcat'], { encoding: 'utf8' }).stdout.trim()
if (!kcat) console.warn('kcat-produce-consume: skipped, kcat is not installed')

/** A running kcat: `input` writes to its stdin, `done` resolves with its stdout when it exits 0. */
interface KcatRun {
  input(text: string): void
  end(): void
  done: Promise<string>
}

/** Starts kcat with `args`, killed after `timeoutMs`. */
function startKcat(args: string[], timeoutMs = 30_000): KcatRun {
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
  return { input: (t) => p.stdin.write(t), end: () => p.stdin.end(), done }
}

/** Runs kcat with `args` and `input` on stdin; resolves with stdout. */
function runKcat(args: string[], input: string | null): Promise<string> {
  const k = startKcat(args)
  if (input) k.input(input)
  k.end()
  return k.done
}

/** Resolves once `cond()` holds, checked every 20 ms, failing after `timeoutMs`. */
async function until(cond: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  for (let waited = 0; !cond(); waited += 20) {
    if (waited > timeoutMs) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 20))
  }
}

const N = 200
const PARTITIONS = 6

function lines(from: number, n: number): string {
  return Array.from({ length: n }, (_, i) => `key-${from + i}:value-${from + i}\n`).join('')
}

async function consumeAll(w: WireCluster): Promise<{ partition: number; key: string; value: string }[]> {
  const out = await runKcat(['-b', w.bootstrap(), '-C', '-t', 'orders', '-o', 'beginning', '-e', '-q', '-f', '%p|%k|%s\\n'], null)
  return out
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => {
      const [p, key, value] = l.split('|')
      return { partition: Number(p), key, value }
    })
}

function expectedPartition(key: string): number {
  return toPositive(murmur2(Buffer.from(key))) % PARTITIONS
}

describe.skipIf(!kcat)('kcat against a real 3-broker cluster over the wire', () => {
  let w: WireCluster | null = null
  afterEach(async () => {
    await w?.close()
    w = null
  })

  it('produces keyed records (murmur2, acks=all, gzip) while a leader stops mid-run, and consumes every one back from the partition murmur2 names: nothing lost', async () => {
    w = await startWireCluster(3)
    w.cluster.createTopic('orders', { partitions: PARTITIONS, replicationFactor: 3 })
    const produceArgs = ['-P', '-t', 'orders', '-K', ':', '-z', 'gzip', '-X', 'topic.partitioner=murmur2_random', '-X', 'acks=all', '-X', 'message.timeout.ms=20000', '-X', 'linger.ms=5']
    const producer = startKcat(['-b', w.bootstrap(), ...produceArgs])
    producer.input(lines(0, N))
    const committed = () => w!.cluster.describeTopic('orders').partitions.reduce((n, p) => n + p.highWatermark, 0)
    // kcat reads its stdin in blocks: most of the first half is committed while the rest waits in its buffers
    await until(() => committed() >= N / 2, `half of the first ${N} records to be committed`)

    // mid-run: the leader of partition 0 stops (its listener closes); the producer goes on
    const leader = w.cluster.describeTopic('orders').partitions[0].leader
    await w.stopBroker(leader)
    expect(w.cluster.describeTopic('orders').partitions[0].leader).not.toBe(leader)
    producer.input(lines(N, N))
    producer.end()
    await producer.done

    const all = await consumeAll(w)
    expect(all.length).toBe(2 * N)
    expect(new Set(all.map((r) => r.value))).toEqual(new Set(Array.from({ length: 2 * N }, (_, i) => `value-${i}`)))
    for (const r of all) expect([r.key, r.partition]).toEqual([r.key, expectedPartition(r.key)])
  }, 90_000)
})
