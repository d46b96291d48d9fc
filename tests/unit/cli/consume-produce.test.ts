/**
 * `brokerlab consume` and `produce` as kafka-console-consumer / -producer users expect:
 * --partition / --offset without a group, --follow until stopped or --max, --json with real nulls,
 * and records produced one per line from a file or standard input with --key-separator, a 1 MB
 * value included.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { runCli } from '../../../src/cli/main'
import { FOLLOW_POLL_MS } from '../../../src/cli/commands/consume-command'
import { runBrokerlabInProcess } from './run-cli'

let dir: string

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'brokerlab-cli-'))
})

afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true })
})

const cli = (...args: string[]) => runBrokerlabInProcess([...args, '--data-dir', dir])
const json = (stdout: string) => stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l))

describe('brokerlab consume and produce', { timeout: 120_000 }, () => {
  it('consume --json prints real JSON null for a null key and value, apart from the text "null"', async () => {
    expect((await cli('topic', 'create', 'n', '--partitions', '1', '--replication-factor', '1')).status).toBe(0)
    expect((await cli('produce', '--topic', 'n', '--null-value')).status).toBe(0)
    expect((await cli('produce', '--topic', 'n', '--key', 'null', '--value', 'null', '--header', 'h=1')).status).toBe(0)
    const r = (await cli('consume', '--topic', 'n', '--offset', 'earliest', '--json'))
    expect(r.status).toBe(0)
    const [tomb, text] = json(r.stdout)
    expect(tomb).toMatchObject({ topic: 'n', partition: 0, offset: 0, key: null, keyEncoding: null, value: null, valueEncoding: null, headers: [] })
    expect(text).toMatchObject({ offset: 1, key: 'null', keyEncoding: 'utf8', value: 'null', headers: [{ key: 'h', value: '1', valueEncoding: 'utf8' }] })
    expect(r.stderr).toContain('Consumed 2 records.')
  })

  it('consume reads one partition from an offset, from latest, or as a group; refuses what Kafka refuses', async () => {
    expect((await cli('topic', 'create', 'p', '--partitions', '2', '--replication-factor', '1')).status).toBe(0)
    expect((await cli('produce', '--topic', 'p', '--partition', '1', '--value', 'v{{i}}', '--count', '6')).status).toBe(0)
    expect((await cli('consume', '--topic', 'p', '--partition', '1', '--offset', '3')).stdout).toBe('v3\nv4\nv5\n')
    expect((await cli('consume', '--topic', 'p', '--partition', '1', '--offset', '1', '--max', '2')).stdout).toBe('v1\nv2\n')
    expect((await cli('consume', '--topic', 'p', '--partition', '0', '--from-beginning')).stdout).toBe('')
    expect((await cli('consume', '--topic', 'p')).stdout).toBe('') // latest: only what is written from now on
    expect((await cli('consume', '--topic', 'p', '--group', 'g', '--from-beginning')).stdout).toBe('v0\nv1\nv2\nv3\nv4\nv5\n')
    const noPartition = (await cli('consume', '--topic', 'p', '--offset', '3'))
    expect([noPartition.status, noPartition.stderr]).toEqual([2, expect.stringContaining('--offset N needs --partition')])
    const withGroup = (await cli('consume', '--topic', 'p', '--group', 'g', '--partition', '1'))
    expect([withGroup.status, withGroup.stderr]).toEqual([2, expect.stringContaining('--group cannot be combined with --partition or --offset')])
    const bad = (await cli('consume', '--topic', 'p', '--offset', 'middle'))
    expect([bad.status, bad.stderr]).toEqual([2, expect.stringContaining('--offset must be earliest, latest or a non-negative offset')])
    const range = (await cli('consume', '--topic', 'p', '--partition', '1', '--offset', '99'))
    expect([range.status, range.stderr]).toEqual([1, expect.stringContaining('OFFSET_OUT_OF_RANGE: Offset 99 is out of range for partition p-1: log start offset 0, high watermark 6')])
  })

  it('consume --follow stops at --max, or keeps waiting for records until it is asked to stop', async () => {
    expect((await cli('topic', 'create', 'f', '--partitions', '1', '--replication-factor', '1')).status).toBe(0)
    expect((await cli('produce', '--topic', 'f', '--value', 'r{{i}}', '--count', '5')).status).toBe(0)
    const capped = (await cli('consume', '--topic', 'f', '--from-beginning', '--follow', '--max', '3'))
    expect([capped.status, capped.stdout]).toEqual([0, 'r0\nr1\nr2\n'])
    // In-process: after printing the 5 records the command is still following (it has not returned
    // several polls later); then it is asked to stop, and ends cleanly.
    let out = ''
    let stop!: () => void
    const stopSignal = new Promise<void>((res) => (stop = res))
    let returned = false
    let stillFollowing: boolean | null = null
    const stderr: string[] = []
    const code = await runCli(['consume', '--topic', 'f', '--offset', 'earliest', '--follow', '--data-dir', dir], {
      stdout: {
        write: (t: string) => {
          out += t
          if (out === 'r0\nr1\nr2\nr3\nr4\n')
            setTimeout(() => {
              stillFollowing = !returned
              stop()
            }, 5 * FOLLOW_POLL_MS)
          return true
        }
      },
      stderr: { write: (t: string) => (stderr.push(t), true) } as never,
      env: {},
      root: process.cwd(),
      stopSignal
    }).finally(() => (returned = true))
    expect(stillFollowing).toBe(true)
    expect(code).toBe(0)
    expect(out).toBe('r0\nr1\nr2\nr3\nr4\n')
    expect(stderr.join('')).toContain('Consumed 5 records.')
  })

  it('produce --value-file sends one record per line, keys split at --key-separator, a 1 MB value included', async () => {
    expect((await cli('topic', 'create', 'l', '--partitions', '3', '--replication-factor', '1')).status).toBe(0)
    const big = 'x'.repeat(1_000_000)
    const file = path.join(dir, 'lines.txt')
    fs.writeFileSync(file, `DFW:{"n":1}\r\nORD:{"n":2}\nbig:${big}\nk:with:colons\n`)
    const p = (await cli('produce', '--topic', 'l', '--value-file', file, '--key-separator', ':', '--acks', '1'))
    expect(p.status).toBe(0)
    expect(p.stdout).toMatch(/^Produced 4 records to l in \d+ ms\n/)
    const records = json((await cli('consume', '--topic', 'l', '--offset', 'earliest', '--json')).stdout)
    const byKey = Object.fromEntries(records.map((r) => [r.key, r.value]))
    expect(byKey).toEqual({ DFW: '{"n":1}', ORD: '{"n":2}', big, k: 'with:colons' })
  })

  it('produce --value-file - reads standard input; a line without the separator is refused naming it, before anything is written', async () => {
    expect((await cli('topic', 'create', 's', '--partitions', '1', '--replication-factor', '1')).status).toBe(0)
    const stdin = (await runBrokerlabInProcess(['produce', '--topic', 's', '--value-file', '-', '--data-dir', dir], {}, 'one\ntwo\n\nfour'))
    expect(stdin.status).toBe(0)
    expect((await cli('consume', '--topic', 's', '--offset', 'earliest')).stdout).toBe('one\ntwo\n\nfour\n')
    const file = path.join(dir, 'bad.txt')
    fs.writeFileSync(file, 'a=1\nb=2\nno separator here\nd=4\n')
    const bad = (await cli('produce', '--topic', 's', '--value-file', file, '--key-separator', '='))
    expect(bad.status).toBe(1)
    expect(bad.stderr).toContain('no key separator "=" found on line number 3')
    expect(bad.stderr).toContain('nothing was written')
    expect((await cli('consume', '--topic', 's', '--offset', 'earliest')).stdout).toBe('one\ntwo\n\nfour\n')
    const mixed = (await cli('produce', '--topic', 's', '--value-file', file, '--value', 'v'))
    expect([mixed.status, mixed.stderr]).toEqual([2, expect.stringContaining('--value-file takes keys and values from its lines')])
  })
})
