/** Test helpers for the storage suite: temp dirs, a manual clock, record builders. */
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { DEFAULT_LOG_CONFIG } from '../../../../src/broker/storage/log-config'
import type { LogConfig, RecordInput } from '../../../../src/broker/storage/storage-types'

/** A fresh temp dir; `cleanup()` removes every dir made. */
export function tempDirs(): { make: (prefix?: string) => string; cleanup: () => void } {
  const made: string[] = []
  return {
    make(prefix = 'brokerlab-storage-') {
      const d = fs.mkdtempSync(path.join(os.tmpdir(), prefix))
      made.push(d)
      return d
    },
    cleanup() {
      for (const d of made.splice(0)) fs.rmSync(d, { recursive: true, force: true })
    }
  }
}

/** A clock tests move by hand (ms). */
export class ManualClock {
  constructor(public now = 1_700_000_000_000) {}
  readonly fn = (): number => this.now
  advance(ms: number): void {
    this.now += ms
  }
}

export function config(overrides: Partial<LogConfig> = {}): LogConfig {
  return { ...DEFAULT_LOG_CONFIG, ...overrides }
}

/** `n` records `key-i` / `value-i` with timestamps ts0 + i. */
export function records(n: number, from = 0, ts0 = 1_700_000_000_000, valueBytes?: number): RecordInput[] {
  const out: RecordInput[] = []
  for (let i = from; i < from + n; i++) {
    out.push({
      key: Buffer.from(`key-${i}`),
      value: valueBytes === undefined ? Buffer.from(`value-${i}`) : Buffer.alloc(valueBytes, i % 251),
      timestamp: ts0 + i
    })
  }
  return out
}
