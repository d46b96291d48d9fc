/**
 * The brokerlab command line: help (from the real bin/brokerlab.mjs, as a child process), exit codes
 * and messages for bad input (which must leave the data untouched), and produce / offsets / consume
 * round trips (in-process through runCli, the code the binary runs, to keep the suite fast).
 */
import crypto from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { partitionForKey } from '../../../src/broker/client/partitioner'
import { runBrokerlab, runBrokerlabInProcess } from './run-cli'

let dir: string

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'brokerlab-cli-'))
})

afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true })
})

/** Every file under `root` with a hash of its content, to prove nothing changed. */
function fingerprint(root: string): Record<string, string> {
  const out: Record<string, string> = {}
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name)
      if (e.isDirectory()) walk(p)
      else out[path.relative(root, p)] = crypto.createHash('sha256').update(fs.readFileSync(p)).digest('hex')
    }
  }
  walk(root)
  return out
}

const cli = (...args: string[]) => runBrokerlabInProcess([...args, '--data-dir', dir])

describe('brokerlab', { timeout: 120_000 }, () => {
  it('prints help listing every command', () => {
    const r = runBrokerlab(['--help'])
    expect(r.status).toBe(0)
    for (const cmd of ['serve', 'topic', 'produce', 'import', 'offsets', 'consume']) expect(r.stdout).toContain(cmd)
    const topic = runBrokerlab(['topic', 'create', '--help'])
    expect(topic.status).toBe(0)
    expect(topic.stdout).toContain('--replication-factor')
    expect(topic.stdout).toContain('--data-dir')
  })

  it('runs from a bundle of the sources that is no older than any file under src/ (not through tsx)', () => {
    const root = path.resolve(__dirname, '../../..')
    const newest = (d: string): number =>
      fs.readdirSync(d, { withFileTypes: true }).reduce((m, e) => Math.max(m, e.isDirectory() ? newest(path.join(d, e.name)) : fs.statSync(path.join(d, e.name)).mtimeMs), fs.statSync(d).mtimeMs)
    const r = runBrokerlab(['--help'])
    expect(r.status).toBe(0)
    expect(r.stderr).not.toContain('through tsx')
    const bundle = path.join(root, '.tmp/cli-bundle/main.cjs')
    expect(fs.statSync(bundle).mtimeMs).toBeGreaterThanOrEqual(newest(path.join(root, 'src')))
    expect(fs.readdirSync(path.dirname(bundle)).filter((f) => f.endsWith('.tmp'))).toEqual([])
  })

  it('refuses an illegal topic name with exit code 2, naming the rule, and leaves the data untouched', async () => {
    expect((await cli('topic', 'create', 'keep', '--partitions', '2', '--replication-factor', '3')).status).toBe(0)
    const before = fingerprint(dir)
    const r = (await cli('topic', 'create', 'no spaces!', '--partitions', '3', '--replication-factor', '1'))
    expect(r.status).toBe(2)
    expect(r.stderr).toMatch(/Topic name "no spaces!" is illegal, it contains a character other than ASCII alphanumerics, '\.', '_' and '-'/)
    expect(fingerprint(dir)).toEqual(before)
    const list = (await cli('topic', 'list', '--json'))
    expect(JSON.parse(list.stdout).map((t: { name: string }) => t.name)).toEqual(['keep'])
  })

  it('refuses bad numbers as usage errors and engine refusals with exit code 1 and the Kafka error name', async () => {
    const zero = (await cli('topic', 'create', 't', '--partitions', '0'))
    expect(zero.status).toBe(2)
    expect(zero.stderr).toMatch(/Number of partitions must be at least 1/)
    const notNumber = (await cli('topic', 'create', 't', '--partitions', 'six'))
    expect(notNumber.status).toBe(2)
    expect(notNumber.stderr).toMatch(/--partitions must be an integer/)
    const unknownConfig = (await cli('topic', 'create', 't', '--config', 'retention.hours=5'))
    expect(unknownConfig.status).toBe(2)
    expect(unknownConfig.stderr).toMatch(/retention\.hours/)
    const rf = (await cli('topic', 'create', 't', '--partitions', '1', '--replication-factor', '4'))
    expect(rf.status).toBe(1)
    expect(rf.stderr).toMatch(/INVALID_REPLICATION_FACTOR: Replication factor: 4 larger than available brokers: 3/)
    expect((await cli('produce', '--topic', 'missing', '--value', 'v')).status).toBe(1)
  })

  it('produces a keyed record where murmur2 puts it, then shows it in offsets and consumes it', async () => {
    expect((await cli('topic', 'create', 'orders', '--partitions', '4', '--replication-factor', '3')).status).toBe(0)
    const expected = partitionForKey(Buffer.from('customer-42'), 4)
    const p = (await cli('produce', '--topic', 'orders', '--key', 'customer-42', '--value', 'hello', '--header', 'source=test'))
    expect(p.status).toBe(0)
    expect(p.stdout).toMatch(new RegExp(`Produced to orders partition ${expected} at offset 0 \\(murmur2\\(key\\)`))
    const offsets = JSON.parse((await cli('offsets', '--topic', 'orders', '--json')).stdout)
    expect(offsets).toHaveLength(4)
    for (const o of offsets) expect([o.partition, o.earliest, o.latest, o.highWatermark]).toEqual([o.partition, 0, o.partition === expected ? 1 : 0, o.partition === expected ? 1 : 0])
    const table = (await cli('offsets', '--topic', 'orders'))
    expect(table.stdout).toMatch(/PARTITION\s+EARLIEST\s+LATEST\s+HIGH-WATERMARK/)
    const c1 = (await cli('consume', '--topic', 'orders', '--group', 'g', '--from-beginning', '--print-key'))
    expect(c1.status).toBe(0)
    expect(c1.stdout).toBe('customer-42\thello\n')
    expect(c1.stderr).toMatch(/Consumed 1 records as group g; committed\. Lag now 0\./)
    const c2 = (await cli('consume', '--topic', 'orders', '--group', 'g', '--from-beginning'))
    expect(c2.stdout).toBe('')
    const group = JSON.parse((await cli('groups', '--group', 'g', '--json')).stdout)
    expect(group).toMatchObject({ groupId: 'g', totalLag: 0 })
    expect(group.rows.find((r: { partition: number }) => r.partition === expected)).toMatchObject({ currentOffset: 1, logEndOffset: 1, lag: 0 })
    const described = (await cli('topic', 'describe', 'orders'))
    expect(described.stdout).toMatch(new RegExp(`Partition: ${expected}\\tLeader: \\d\\tReplicas: \\d,\\d,\\d\\tIsr: \\d,\\d,\\d\\tLogStartOffset: 0\\tLogEndOffset: 1\\tHighWatermark: 1`))
  })

  it('produces --count records from a {{i}} template and prints per partition how many landed at which offsets; refuses a send over the byte budget', async () => {
    expect((await cli('topic', 'create', 'many', '--partitions', '2', '--replication-factor', '1')).status).toBe(0)
    const p = (await cli('produce', '--topic', 'many', '--key', 'k{{i}}', '--value', 'v{{i}}', '--count', '10', '--acks', '1'))
    expect(p.status).toBe(0)
    const perPartition = [0, 1].map((n) => Array.from({ length: 10 }, (_, i) => partitionForKey(Buffer.from(`k${i}`), 2)).filter((x) => x === n).length)
    expect(p.stdout).toMatch(/^Produced 10 records to many in \d+ ms\n/)
    for (const n of [0, 1]) if (perPartition[n]) expect(p.stdout).toContain(`  partition ${n}: ${perPartition[n]} records at offsets 0 to ${perPartition[n] - 1}\n`)
    const big = (await cli('produce', '--topic', 'many', '--value', 'x'.repeat(120_000), '--count', '1000'))
    expect(big.status).toBe(2)
    expect(big.stderr).toMatch(/This send expands to 1000 records of \d+ bytes .*more than the 104857600 bytes \(100 MiB\)/)
    const offsets = JSON.parse((await cli('offsets', '--topic', 'many', '--json')).stdout) as { latest: number }[]
    expect(offsets.reduce((n, o) => n + o.latest, 0)).toBe(10)
  })

  it("takes LONG configs exactly (Long.MAX_VALUE 9223372036854775807 and its neighbours); describe lists only overrides, exactly, as kafka-topics does", async () => {
    expect((await cli('topic', 'create', 'f', '--config', 'flush.ms=9223372036854775807', '--config', 'flush.messages=5')).status).toBe(0)
    expect((await cli('topic', 'describe', 'f')).stdout.split('\n')[0]).toMatch(/\tConfigs: flush\.messages=5$/)
    const json = JSON.parse((await cli('topic', 'describe', 'f', '--json')).stdout)
    expect(json.configs['flush.ms']).toBe('9223372036854775807') // exact, as a decimal string
    expect(json.configs['flush.messages']).toBe('5')
    // One below Long.MAX_VALUE, and 2^53 + 1: neither is a JS number, both come back as given.
    expect((await cli('topic', 'create', 'g', '--config', 'flush.ms=9223372036854775806', '--config', 'retention.bytes=9007199254740993')).status).toBe(0)
    expect((await cli('topic', 'describe', 'g')).stdout.split('\n')[0]).toMatch(/\tConfigs: flush\.ms=9223372036854775806,retention\.bytes=9007199254740993$/)
    expect((await cli('topic', 'alter', 'g', '--config', 'segment.ms=9223372036854775807')).stdout).toBe('Updated configs of topic g: segment.ms=9223372036854775807.\n')
    expect(JSON.parse((await cli('topic', 'describe', 'g', '--json')).stdout).configs['segment.ms']).toBe('9223372036854775807')
    // Decimals, as min.cleanable.dirty.ratio takes them in every compaction tutorial.
    expect((await cli('topic', 'create', 'c', '--config', 'cleanup.policy=compact', '--config', 'min.cleanable.dirty.ratio=0.01')).status).toBe(0)
    expect((await cli('topic', 'describe', 'c')).stdout.split('\n')[0]).toMatch(/\tConfigs: cleanup\.policy=compact,min\.cleanable\.dirty\.ratio=0\.01$/)
    // Beyond Long.MAX_VALUE or Long.MIN_VALUE: Kafka's INVALID_CONFIG message, nothing created.
    const before = fingerprint(dir)
    const tooBig = (await cli('topic', 'create', 'h', '--config', 'flush.ms=9223372036854775808'))
    expect(tooBig.status).toBe(2)
    expect(tooBig.stderr).toContain('--config flush.ms: Invalid value 9223372036854775808 for configuration flush.ms: Not a number of type LONG')
    const tooSmall = (await cli('topic', 'alter', 'g', '--config', 'retention.bytes=-9223372036854775809'))
    expect(tooSmall.status).toBe(2)
    expect(tooSmall.stderr).toContain('Invalid value -9223372036854775809 for configuration retention.bytes: Not a number of type LONG')
    expect(fingerprint(dir)).toEqual(before)
    expect(JSON.parse((await cli('topic', 'describe', 'g', '--json')).stdout).configs['retention.bytes']).toBe('9007199254740993')
  })

  it('imports NDJSON and CSV files read as streams, and refuses a file bad near its end before writing anything', async () => {
    const nd = path.join(dir, 'rows.ndjson')
    fs.writeFileSync(nd, Array.from({ length: 5000 }, (_, i) => JSON.stringify({ id: `k${i % 7}`, i })).join('\n') + '\n')
    const ok = (await cli('import', nd, '--topic', 'rows', '--key-field', 'id', '--partitions', '3', '--json'))
    expect(ok.status).toBe(0)
    const res = JSON.parse(ok.stdout)
    expect(res.imported).toBe(5000)
    const expected = [0, 0, 0]
    for (let i = 0; i < 5000; i++) expected[partitionForKey(Buffer.from(`k${i % 7}`), 3)]++
    expect([0, 1, 2].map((p) => res.perPartition[p] ?? 0)).toEqual(expected)

    const csv = path.join(dir, 'rows.csv')
    fs.writeFileSync(csv, 'id,n\r\n' + Array.from({ length: 3000 }, (_, i) => `k${i % 5},${i}`).join('\r\n') + '\r\n')
    const okCsv = (await cli('import', csv, '--topic', 'rows-csv', '--key-field', 'id', '--partitions', '2', '--json'))
    expect(okCsv.status).toBe(0)
    expect(JSON.parse(okCsv.stdout).imported).toBe(3000)

    const before = fingerprint(dir)
    const bad = path.join(dir, 'bad.ndjson')
    fs.writeFileSync(bad, Array.from({ length: 4000 }, (_, i) => JSON.stringify({ id: i })).join('\n') + '\n{"id": oops}\n')
    const refused = (await cli('import', bad, '--topic', 'rows', '--key-field', 'id'))
    expect(refused.status).toBe(1)
    expect(refused.stderr).toMatch(/bad\.ndjson: NDJSON line 4001 is not valid JSON/)
    const after = fingerprint(dir)
    delete after['bad.ndjson']
    expect(after).toEqual(before) // nothing of the good 4,000 lines was written
    expect(JSON.parse((await cli('offsets', '--topic', 'rows', '--json')).stdout).reduce((n: number, r: { latest: number }) => n + r.latest, 0)).toBe(5000)
  })

  it('compacts between commands as a running broker would: the classic compaction walk-through ends with the latest value per key', async () => {
    // segment.ms=1: every produce rolls a segment, so earlier records sit in closed, cleanable segments.
    expect((await cli('topic', 'create', 'cd', '--replication-factor', '3', '--config', 'cleanup.policy=compact', '--config', 'segment.ms=1', '--config', 'min.cleanable.dirty.ratio=0.001')).status).toBe(0)
    for (const [k, v] of [['key1', 'v1'], ['key1', 'v2'], ['key1', 'v3'], ['key2', 'x'], ['key3', 'y']]) expect((await cli('produce', '--topic', 'cd', '--key', k, '--value', v)).status).toBe(0)
    const consumed = (await cli('consume', '--topic', 'cd', '--group', 'g', '--from-beginning', '--max', '10'))
    expect(consumed.status).toBe(0)
    expect(consumed.stdout.trim().split('\n')).toEqual(['v3', 'x', 'y'])
    const offsets = JSON.parse((await cli('offsets', '--topic', 'cd', '--json')).stdout)
    expect(offsets[0]).toMatchObject({ earliest: 0, latest: 5 }) // offsets are kept: gaps, not renumbering

    // A tombstone deletes key2; with delete.retention.ms=0 the tombstone itself goes at the next cleaning.
    expect((await cli('topic', 'alter', 'cd', '--config', 'delete.retention.ms=0')).status).toBe(0)
    expect((await cli('produce', '--topic', 'cd', '--key', 'key2', '--null-value')).status).toBe(0)
    expect((await cli('produce', '--topic', 'cd', '--key', 'key4', '--value', 'z')).status).toBe(0)
    expect((await cli('produce', '--topic', 'cd', '--key', 'key5', '--value', 'w')).status).toBe(0)
    const again = (await cli('consume', '--topic', 'cd', '--group', 'g2', '--from-beginning', '--max', '10', '--print-key'))
    expect(again.stdout.trim().split('\n')).toEqual(['key1\tv3', 'key3\ty', 'key4\tz', 'key5\tw'])
    const neither = (await cli('produce', '--topic', 'cd', '--key', 'k'))
    expect([neither.status, neither.stderr]).toEqual([2, expect.stringContaining('give exactly one of --value <value> and --null-value')])
  })

  it('alters a topic: adds partitions and sets configs; refuses a decrease and an empty alter, changing nothing', async () => {
    expect((await cli('topic', 'create', 'al', '--partitions', '2')).status).toBe(0)
    const grown = (await cli('topic', 'alter', 'al', '--partitions', '5', '--config', 'retention.ms=1000'))
    expect(grown.status).toBe(0)
    expect(grown.stdout).toBe('Topic al now has 5 partitions.\nUpdated configs of topic al: retention.ms=1000.\n')
    const before = fingerprint(dir)
    const shrink = (await cli('topic', 'alter', 'al', '--partitions', '3'))
    expect([shrink.status, shrink.stderr.trim()]).toEqual([1, 'brokerlab: INVALID_PARTITIONS: The topic al currently has 5 partition(s); 3 would not be an increase.'])
    const empty = (await cli('topic', 'alter', 'al'))
    expect([empty.status, empty.stderr]).toEqual([2, expect.stringContaining('give --partitions <n>, --config <key=value>, or both')])
    expect(fingerprint(dir)).toEqual(before)
    expect((await cli('topic', 'describe', 'al')).stdout.split('\n')[0]).toBe('Topic: al\tPartitionCount: 5\tReplicationFactor: 1\tConfigs: retention.ms=1000')
  })

  it('resets a group as kafka-consumer-groups --reset-offsets: a dry run by default, committed with --execute', async () => {
    expect((await cli('topic', 'create', 'rs')).status).toBe(0)
    for (let i = 0; i < 5; i++) expect((await cli('produce', '--topic', 'rs', '--key', 'k', '--value', `v${i}`)).status).toBe(0)
    expect((await cli('consume', '--topic', 'rs', '--group', 'g', '--from-beginning', '--max', '3')).status).toBe(0)
    // The replica logs (the metadata log records the leader moves every open makes of unopened __consumer_offsets partitions).
    const logs = (): Record<string, string> =>
      Object.fromEntries(Object.entries(fingerprint(dir)).filter(([f]) => f.endsWith('.log') && !f.startsWith('__cluster_metadata-0/')))
    const before = logs()
    const dry = (await cli('groups', '--reset-offsets', '--group', 'g', '--topic', 'rs', '--shift-by', '-2'))
    expect(dry.status).toBe(0)
    expect(dry.stdout.split('\n').map((l) => l.trim().split(/\s+/))).toEqual([['GROUP', 'TOPIC', 'PARTITION', 'NEW-OFFSET'], ['g', 'rs', '0', '1'], ['']])
    expect(dry.stderr).toContain('add --execute')
    expect(logs()).toEqual(before) // a dry run appends no commit (checkpoint files are rewritten at every close)
    expect(JSON.parse((await cli('groups', '--group', 'g', '--json')).stdout).rows[0]).toMatchObject({ currentOffset: 3 })
    const done = (await cli('groups', '--reset-offsets', '--group', 'g', '--topic', 'rs', '--to-offset', '99', '--execute'))
    expect(done.stderr).toContain('New offset is higher than latest offset for topic partition rs-0. Value will be set to 5')
    expect(JSON.parse((await cli('groups', '--group', 'g', '--json')).stdout).rows[0]).toMatchObject({ currentOffset: 5, lag: 0 })
    expect((await cli('groups', '--reset-offsets', '--group', 'g', '--topic', 'rs')).status).toBe(2)
    expect((await cli('groups', '--reset-offsets', '--group', 'g', '--topic', 'rs', '--to-earliest', '--to-latest')).status).toBe(2)
  })

  it('uses BROKERLAB_DATA_DIR when --data-dir is not given', async () => {
    const envDir = path.join(dir, 'from-env')
    const r = (await runBrokerlabInProcess(['topic', 'create', 'e', '--partitions', '1'], { BROKERLAB_DATA_DIR: envDir }))
    expect(r.status).toBe(0)
    expect(fs.existsSync(envDir)).toBe(true)
    const list = (await runBrokerlabInProcess(['topic', 'list', '--json'], { BROKERLAB_DATA_DIR: envDir }))
    expect(JSON.parse(list.stdout).map((t: { name: string }) => t.name)).toEqual(['e'])
  })

  it('refuses a serve port outside 0..65535 as a usage error', async () => {
    const r = (await cli('serve', '--port', '70000'))
    expect(r.status).toBe(2)
    expect(r.stderr).toMatch(/--port must be from 0 to 65535/)
  })
})
