/**
 * A compression.type=zstd topic takes a produce from a fresh `brokerlab` process, whose first act
 * is the write (the zstd compressor's WebAssembly is still loading then: the producer waits for
 * it), stores the batch zstd-compressed, and reads the records back.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { runBrokerlab } from './run-cli'

let dir: string
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'brokerlab-cli-zstd-'))
})
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true })
})

const cli = (...args: string[]) => runBrokerlab([...args, '--data-dir', dir])

/** The codec ids (attributes bits 0-2) of the batches in a partition's first segment file. */
function codecsOnDisk(topicPartitionDir: string): number[] {
  const log = fs.readFileSync(path.join(dir, topicPartitionDir, '00000000000000000000.log'))
  const out: number[] = []
  for (let p = 0; p + 61 <= log.length; p += log.readInt32BE(p + 8) + 12) out.push(log.readInt16BE(p + 21) & 7)
  return out
}

describe('brokerlab on a compression.type=zstd topic', { timeout: 120_000 }, () => {
  it('a fresh process produces to it at once, the batch is stored zstd-compressed, and consume reads it back', () => {
    expect(cli('topic', 'create', 'zt', '--partitions', '1', '--replication-factor', '1', '--config', 'compression.type=zstd').status).toBe(0)
    const produced = cli('produce', '--topic', 'zt', '--key', 'k', '--value', 'hello zstd', '--count', '3')
    expect(produced.stderr).toBe('')
    expect(produced.status).toBe(0)
    const brokerDirs = fs.readdirSync(dir).filter((d) => fs.existsSync(path.join(dir, d, 'zt-0')))
    expect(brokerDirs.length).toBe(1)
    expect(codecsOnDisk(path.join(brokerDirs[0], 'zt-0'))).toEqual([4])
    const consumed = cli('consume', '--topic', 'zt', '--partition', '0', '--offset', 'earliest', '--max', '3')
    expect(consumed.stdout.trim().split('\n')).toEqual(['hello zstd', 'hello zstd', 'hello zstd'])
  })
})
