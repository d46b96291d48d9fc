/**
 * The machine a benchmark runs on and its physical limits, measured in the same run: sequential
 * write bandwidth of the disk (1 MiB fs.writeSync chunks + fsync) and memcpy bandwidth (Buffer.copy
 * of large buffers). Owns nothing persistent: every file it writes is deleted before it returns.
 */
import { closeSync, fsyncSync, openSync, rmSync, writeSync } from 'node:fs'
import { cpus, totalmem } from 'node:os'
import { join } from 'node:path'

/** CPU model, logical cores, memory (GiB), Node version, platform. */
export interface MachineInfo {
  cpu: string
  cores: number
  memoryGiB: number
  node: string
  platform: string
}

/** Describes this machine. */
export function machineInfo(): MachineInfo {
  const c = cpus()
  return {
    cpu: c[0]?.model.trim() ?? 'unknown',
    cores: c.length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    platform: `${process.platform} ${process.arch}`
  }
}

/** Milliseconds elapsed while running `fn`. */
export function timeMs(fn: () => void): number {
  const start = process.hrtime.bigint()
  fn()
  return Number(process.hrtime.bigint() - start) / 1e6
}

/**
 * Sequential write bandwidth in MB/s (10^6 bytes/s): writes `bytes` to a new file in `dir` with
 * fs.writeSync of 1 MiB chunks, then fsync; the time includes the fsync. The file is deleted.
 */
export function sequentialWriteMBps(dir: string, bytes: number): number {
  const path = join(dir, 'seq-write.bin')
  const chunk = Buffer.alloc(1024 * 1024, 0x5a)
  const fd = openSync(path, 'w')
  try {
    const ms = timeMs(() => {
      for (let written = 0; written < bytes; written += chunk.length) writeSync(fd, chunk)
      fsyncSync(fd)
    })
    return bytes / 1e6 / (ms / 1000)
  } finally {
    closeSync(fd)
    rmSync(path, { force: true })
  }
}

/** memcpy bandwidth in MB/s: Buffer.copy of a `bytes`-sized buffer into another, best of `rounds`. */
export function memcpyMBps(bytes: number, rounds = 5): number {
  const src = Buffer.alloc(bytes, 0x33)
  const dst = Buffer.alloc(bytes)
  src.copy(dst) // touch every page first
  let best = Infinity
  for (let i = 0; i < rounds; i++) best = Math.min(best, timeMs(() => src.copy(dst)))
  return bytes / 1e6 / (best / 1000)
}

/** The median of `xs` (the mean of the middle two for an even count); NaN for none. */
export function median(xs: number[]): number {
  if (xs.length === 0) return NaN
  const v = [...xs].sort((a, b) => a - b)
  const m = v.length >> 1
  return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2
}
