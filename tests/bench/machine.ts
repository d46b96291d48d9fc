/**
 * The machine a benchmark runs on and its physical limits, measured in the same run: sequential
 * write bandwidth of the disk (1 MiB fs.writeSync chunks + fsync) and memcpy bandwidth (Buffer.copy
 * of large buffers). Owns nothing persistent: every file it writes is deleted before it returns.
 */
import { closeSync, fsyncSync, openSync, rmSync, writeSync } from 'node:fs'
import { cpus, totalmem } from 'node:os'
import { join } from 'node:path'
import { bufferView } from '../../src/broker/codec/buffer-view'

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

/**
 * What putting bytes into the page cache costs the CPU, in MB (10^6 B) per CPU-second of this
 * process (user + system, process.cpuUsage): writes `bytes` with fs.writeSync in 16 KiB chunks,
 * round-robin over `files` new files in `dir` (as replicas append batches to their active segments;
 * no fsync), so every page written is a fresh page-cache page the kernel allocates and zeroes. Every
 * replica's append pays at least this per byte it stores, whatever code sits above it. The files are
 * deleted.
 */
export function pageCacheWriteMBPerCpuSec(dir: string, bytes: number, files = 18): number {
  const chunk = Buffer.alloc(16 * 1024, 0x5a)
  const paths = Array.from({ length: files }, (_, i) => join(dir, `page-cache-${i}.bin`))
  const fds = paths.map((p) => openSync(p, 'w'))
  try {
    const cpu0 = process.cpuUsage()
    for (let written = 0, i = 0; written < bytes; written += chunk.length, i++) writeSync(fds[i % files], chunk)
    const cpu = process.cpuUsage(cpu0)
    return bytes / 1e6 / ((cpu.user + cpu.system) / 1e6)
  } finally {
    for (const fd of fds) closeSync(fd)
    for (const p of paths) rmSync(p, { force: true })
  }
}

/**
 * Nanoseconds to create one Buffer view (what a decoded record's key or value is) and keep it alive
 * as a consumer's batch of records does (1,000,000 views held 10,000 at a time), best of `rounds`;
 * made with `bufferView` from an ArrayBuffer and offset (what the records reader uses) or with
 * `buf.subarray`. A reader that hands out a key and a value per record pays twice this per record.
 */
export function bufferViewNs(rounds = 5, make: 'subarray' | 'bufferView' = 'bufferView'): number {
  const buf = Buffer.alloc(1 << 20)
  const ab = buf.buffer
  const base = buf.byteOffset
  const held: Buffer[] = new Array(10_000)
  const n = 1_000_000
  let best = Infinity
  let sum = 0
  for (let r = 0; r < rounds; r++) {
    const ms = timeMs(
      make === 'subarray'
        ? () => {
            for (let i = 0; i < n; i++) {
              const v = buf.subarray(i & 0xffff, (i & 0xffff) + 100)
              held[i % held.length] = v
              sum += v.length
            }
          }
        : () => {
            for (let i = 0; i < n; i++) {
              const v = bufferView(ab, base + (i & 0xffff), 100)
              held[i % held.length] = v
              sum += v.length
            }
          }
    )
    best = Math.min(best, ms)
  }
  if (sum !== rounds * n * 100) throw new Error('buffer views lost bytes')
  return (best * 1e6) / n
}

/** The median of `xs` (the mean of the middle two for an even count); NaN for none. */
export function median(xs: number[]): number {
  if (xs.length === 0) return NaN
  const v = [...xs].sort((a, b) => a - b)
  const m = v.length >> 1
  return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2
}
