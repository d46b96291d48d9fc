/**
 * The main job on real input: `brokerlab import` of 20,000 real US flights into topic `flights`
 * (6 partitions, replication factor 3, keyed by origin). `offsets --json` must count 20,000, and
 * each partition must hold exactly the flights whose origin murmur2 (the Java client's partitioner)
 * sends there, computed here independently from the JSON file.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { partitionForKey } from '../../../src/broker/client/partitioner'
import { FLIGHTS_20K } from '../../fixtures/datasets'
import { runBrokerlab } from './run-cli'

const DATASET = FLIGHTS_20K
let dir: string

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'brokerlab-flights-'))
})

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true })
})

describe('brokerlab import of flights-20k.json', { timeout: 180_000 }, () => {
  it('imports 20,000 flights keyed by origin into the partitions murmur2 picks', () => {
    expect(fs.existsSync(DATASET), `dataset missing at ${DATASET}`).toBe(true)
    const flights = JSON.parse(fs.readFileSync(DATASET, 'utf8')) as { origin: string }[]
    expect(flights).toHaveLength(20_000)
    const expected = [0, 0, 0, 0, 0, 0]
    for (const f of flights) expected[partitionForKey(Buffer.from(f.origin, 'utf8'), 6)]++

    const imported = runBrokerlab([
      'import',
      DATASET,
      '--topic',
      'flights',
      '--key-field',
      'origin',
      '--partitions',
      '6',
      '--replication-factor',
      '3',
      '--data-dir',
      dir
    ])
    expect(imported.stderr).toBe('')
    expect(imported.status).toBe(0)
    expect(imported.stdout).toMatch(/^Imported 20,000 records into flights in [\d,]+ ms/)

    const offsets = runBrokerlab(['offsets', '--topic', 'flights', '--json', '--data-dir', dir])
    expect(offsets.status).toBe(0)
    const rows = JSON.parse(offsets.stdout) as { partition: number; earliest: number; latest: number; highWatermark: number }[]
    expect(rows.map((r) => r.partition)).toEqual([0, 1, 2, 3, 4, 5])
    expect(rows.reduce((n, r) => n + (r.latest - r.earliest), 0)).toBe(20_000)
    expect(rows.map((r) => r.highWatermark - r.earliest)).toEqual(expected)

    const described = JSON.parse(runBrokerlab(['topic', 'describe', 'flights', '--json', '--data-dir', dir]).stdout)
    expect(described.replicationFactor).toBe(3)
    for (const p of described.partitionViews) {
      expect(p.isr).toHaveLength(3)
      expect(p.replicaStates.map((r: { logEndOffset: number }) => r.logEndOffset)).toEqual([p.highWatermark, p.highWatermark, p.highWatermark])
    }
  })
})
