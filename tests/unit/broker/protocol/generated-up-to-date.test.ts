/**
 * The committed codecs under src/broker/protocol/messages/ are what scripts/generate-protocol.mjs
 * writes from Kafka's message specs today: regenerates into a temporary directory and compares
 * file by file. Skipped, saying why, where ../shared/kafka-protocol is absent (a clone without it).
 */
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'

const ROOT = path.resolve(__dirname, '../../../..')
const SPECS = path.resolve(ROOT, '../shared/kafka-protocol/messages')
const COMMITTED = path.join(ROOT, 'src/broker/protocol/messages')
const present = fs.existsSync(SPECS)
if (!present) console.warn(`generated-up-to-date: skipped, Kafka's message specs are not at ${SPECS}`)

describe.skipIf(!present)('generated protocol codecs', () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'brokerlab-protocol-'))
  afterAll(() => fs.rmSync(out, { recursive: true, force: true }))

  it('are up to date with the message specs (run `node scripts/generate-protocol.mjs` if not)', () => {
    const run = spawnSync(process.execPath, [path.join(ROOT, 'scripts/generate-protocol.mjs'), '--specs', SPECS, '--out', out], {
      encoding: 'utf8',
      timeout: 60_000
    })
    expect(run.status, run.stderr).toBe(0)
    const fresh = fs.readdirSync(out).sort()
    const committed = fs.readdirSync(COMMITTED).sort()
    expect(committed).toEqual(fresh)
    const stale = fresh.filter((f) => !fs.readFileSync(path.join(out, f)).equals(fs.readFileSync(path.join(COMMITTED, f))))
    expect(stale, `stale generated files: ${stale.join(', ')}`).toEqual([])
  })
})
