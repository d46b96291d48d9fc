/**
 * `brokerlab groups --reset-offsets` on chosen partitions, with Kafka's `--topic T:P,P` form: the
 * dry run plans only those partitions, --execute commits only them; a malformed list is a usage
 * error; describe prints counts and offsets with thousands separators.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { runBrokerlabInProcess } from './run-cli'

let dir: string

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'brokerlab-groups-cli-'))
})

afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true })
})

const cli = (...args: string[]) => runBrokerlabInProcess([...args, '--data-dir', dir])

describe('brokerlab groups --reset-offsets', { timeout: 120_000 }, () => {
  it('resets only the partitions named after the colon, as kafka-consumer-groups --topic T:0,2 does', async () => {
    const file = path.join(dir, 'rows.ndjson')
    fs.writeFileSync(file, Array.from({ length: 3000 }, (_, i) => JSON.stringify({ id: `row-${i}` })).join('\n'))
    // Keyed by 3,000 distinct ids, murmur2 puts records on every partition (unkeyed, the sticky partitioner may skip one).
    expect((await cli('import', file, '--topic', 'rs', '--partitions', '3', '--key-field', 'id')).status).toBe(0)
    expect((await cli('consume', '--topic', 'rs', '--group', 'g', '--from-beginning', '--max', '3000')).status).toBe(0)
    const ends = (JSON.parse((await cli('offsets', '--topic', 'rs', '--json')).stdout) as { latest: number }[]).map((o) => o.latest)
    expect(ends.every((e) => e > 0)).toBe(true)
    const dry = (await cli('groups', '--reset-offsets', '--group', 'g', '--topic', 'rs:2,0', '--to-earliest', '--json'))
    expect(dry.status).toBe(0)
    const plan = JSON.parse(dry.stdout).plan as { partition: number; previousOffset: number; newOffset: number; offsetChange: number }[]
    expect(plan.map((r) => [r.partition, r.previousOffset, r.newOffset, r.offsetChange])).toEqual([
      [0, ends[0], 0, -ends[0]],
      [2, ends[2], 0, -ends[2]]
    ])
    const table = (await cli('groups', '--reset-offsets', '--group', 'g', '--topic', 'rs:0,2', '--to-earliest', '--execute'))
    expect(table.stdout.split('\n').map((l) => l.trim().split(/\s+/))).toEqual([['GROUP', 'TOPIC', 'PARTITION', 'NEW-OFFSET'], ['g', 'rs', '0', '0'], ['g', 'rs', '2', '0'], ['']])
    const rows = JSON.parse((await cli('groups', '--group', 'g', '--json')).stdout).rows as { currentOffset: number }[]
    expect(rows.map((r) => r.currentOffset)).toEqual([0, ends[1], 0])
    const described = (await cli('groups', '--group', 'g')).stdout
    expect(described).toContain(`total lag ${(ends[0] + ends[2]).toLocaleString('en-US')}`)
    expect(described).toMatch(new RegExp(`\\brs\\s+1\\s+${ends[1].toLocaleString('en-US')}\\s+${ends[1].toLocaleString('en-US')}\\s+0\\b`))
  })

  it('refuses a partition list that is not numbers, and a partition the topic does not have', async () => {
    expect((await cli('topic', 'create', 'one')).status).toBe(0)
    const bad = (await cli('groups', '--reset-offsets', '--group', 'g', '--topic', 'one:a', '--to-earliest'))
    expect(bad.status).toBe(2)
    expect(bad.stderr).toBe('brokerlab: --topic one:a: after the colon come partition numbers separated by commas, e.g. one:0,1.\n')
    const missing = (await cli('groups', '--reset-offsets', '--group', 'g', '--topic', 'one:0,5', '--to-earliest'))
    expect(missing.status).toBe(1)
    expect(missing.stderr).toBe('brokerlab: UNKNOWN_TOPIC_OR_PARTITION: Partition one-5 does not exist: one has 1 partition (0 to 0)\n')
  })
})
