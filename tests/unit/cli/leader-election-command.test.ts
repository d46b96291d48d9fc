/**
 * `brokerlab leader-election`, run in-process (runCli) on a data directory: the lines
 * kafka-leader-election.sh prints for a preferred election that moved leadership back and for one
 * that was not needed, the election's event, an unclean election that cannot be done (exit 1), the
 * refusals of bad arguments (exit 2) before the data directory is opened, and the same over
 * --bootstrap-server against a running cluster on 127.0.0.1 (free ports, closed afterwards).
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { leaderElectionLines } from '../../../src/cli/commands/leader-election-command'
import { runBrokerlabInProcess } from './run-cli'
import { HeadlessCluster } from '../../../src/host/headless-cluster'
import type { Cluster } from '../../../src/broker/cluster/cluster'

let dir: string
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'brokerlab-election-cli-'))
})
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true })
})

async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const r = await runBrokerlabInProcess([...args, '--data-dir', path.join(dir, 'data')])
  return { code: r.status, out: r.stdout, err: r.stderr }
}

describe('brokerlab leader-election', { timeout: 60_000 }, () => {
  it('moves leadership back to the preferred replicas after a broker came back, printing what kafka-leader-election prints, then finds nothing to do', async () => {
    expect((await cli('topic', 'create', 'orders', '--partitions', '3', '--replication-factor', '3')).code).toBe(0)
    const described = JSON.parse((await cli('topic', 'describe', 'orders', '--json')).out) as { partitionViews: { partition: number; replicas: number[] }[] }
    const preferredOf1 = described.partitionViews.filter((p) => p.replicas[0] === 1).map((p) => `orders-${p.partition}`)
    expect(preferredOf1.length).toBeGreaterThan(0)
    expect((await cli('broker', 'stop', '1')).code).toBe(0)
    expect((await cli('broker', 'start', '1')).code).toBe(0)

    const run = await cli('leader-election', '--election-type', 'PREFERRED', '--topic', 'orders')
    expect(run.err).toBe('')
    expect(run.code).toBe(0)
    const lines = run.out.split('\n')
    expect(lines[0]).toBe(`Successfully completed leader election (PREFERRED) for partitions ${preferredOf1.join(', ')}`)
    const others = described.partitionViews.filter((p) => p.replicas[0] !== 1).map((p) => `orders-${p.partition}`)
    expect(lines[1]).toBe(`Valid replica already elected for partitions ${others.join(', ')}`)
    expect(run.out).toContain('preferred leader election, broker')

    const again = await cli('leader-election', '--election-type', 'preferred', '--topic', 'orders', '--partition', '0')
    expect(again.code).toBe(0)
    expect(again.out.split('\n')[0]).toBe('Valid replica already elected for partitions orders-0')
  })

  it('unclean: a partition whose only replica is stopped cannot be elected; it prints the error line and exits 1', async () => {
    expect((await cli('topic', 'create', 'solo', '--partitions', '1', '--replication-factor', '1')).code).toBe(0)
    const described = JSON.parse((await cli('topic', 'describe', 'solo', '--json')).out) as { partitionViews: { leader: number }[] }
    expect((await cli('broker', 'stop', String(described.partitionViews[0].leader))).code).toBe(0)
    const run = await cli('leader-election', '--election-type', 'unclean', '--topic', 'solo')
    expect(run.code).toBe(1)
    expect(run.out.split('\n')[0]).toBe('Error completing leader election (UNCLEAN) for partition: solo-0: ELIGIBLE_LEADERS_NOT_AVAILABLE: solo-0 has no running replica with a usable log that could lead it')
    expect(run.err).toContain('1 replica(s) could not be elected')
  })

  it('refuses bad arguments with exit 2 before touching the data directory', async () => {
    expect(await cli('leader-election', '--election-type', 'fastest', '--topic', 't')).toMatchObject({ code: 2, err: expect.stringContaining('Unknown --election-type "fastest"') })
    expect(await cli('leader-election', '--election-type', 'preferred')).toMatchObject({ code: 2, err: expect.stringContaining('--all-topic-partitions') })
    expect(await cli('leader-election', '--election-type', 'preferred', '--topic', 't', '--all-topic-partitions')).toMatchObject({ code: 2 })
    expect(await cli('leader-election', '--topic', 't')).toMatchObject({ code: 2, err: expect.stringContaining('--election-type') })
    expect(fs.existsSync(path.join(dir, 'data'))).toBe(false)
  })

  it('prints one error line per partition that could not be elected', () => {
    expect(
      leaderElectionLines('unclean', [
        { topic: 't', partition: 0, outcome: 'elected', previousLeader: -1, leader: 2, leaderEpoch: 3 },
        { topic: 't', partition: 1, outcome: 'failed', previousLeader: -1, leader: -1, leaderEpoch: 1, error: { code: 'ELIGIBLE_LEADERS_NOT_AVAILABLE', message: 't-1 has no running replica with a usable log that could lead it' } }
      ])
    ).toEqual([
      'Successfully completed leader election (UNCLEAN) for partitions t-0',
      'Error completing leader election (UNCLEAN) for partition: t-1: ELIGIBLE_LEADERS_NOT_AVAILABLE: t-1 has no running replica with a usable log that could lead it'
    ])
  })
})

describe('brokerlab leader-election --bootstrap-server', { timeout: 60_000 }, () => {
  it('elects over the Kafka protocol (ElectLeaders) and prints the same lines', async () => {
    const dataDir = path.join(dir, 'running')
    const running = HeadlessCluster.open({ dataDir, brokers: 3, log: () => {} })
    try {
      await running.startListeners({ host: '127.0.0.1', basePort: 0 }, () => {})
      const bootstrap = running.bootstrapServers()
      // The engine inside the running cluster, to move a leadership away as a broker restart would.
      const engine = (running as unknown as { cluster: Cluster }).cluster
      engine.createTopic('wire', { partitions: 2, replicationFactor: 3 })
      const preferred = engine.describeTopic('wire').partitions[0].replicas[0]
      const moved = engine.describeTopic('wire').partitions.filter((p) => p.replicas[0] === preferred).map((p) => `wire-${p.partition}`)
      const kept = engine.describeTopic('wire').partitions.filter((p) => p.replicas[0] !== preferred).map((p) => `wire-${p.partition}`)
      engine.stopBroker(preferred)
      engine.startBroker(preferred)
      engine.replicateNow()
      engine.replicateNow()
      const run = await cli2(['leader-election', '--election-type', 'preferred', '--topic', 'wire', '--bootstrap-server', bootstrap])
      expect(run.err).toBe('')
      expect(run.code).toBe(0)
      const lines = run.out.trim().split('\n')
      expect(lines[0]).toBe(`Successfully completed leader election (PREFERRED) for partitions ${moved.join(', ')}`)
      if (kept.length > 0) expect(lines[1]).toBe(`Valid replica already elected for partitions ${kept.join(', ')}`)
      expect(engine.describeTopic('wire').partitions[0].leader).toBe(preferred)
      const json = await cli2(['leader-election', '--election-type', 'unclean', '--topic', 'wire', '--partition', '0', '--json', '--bootstrap-server', bootstrap])
      expect(JSON.parse(json.out).results).toMatchObject([{ topic: 'wire', partition: 0, outcome: 'not-needed', leader: preferred, error: { code: 'ELECTION_NOT_NEEDED' } }])
    } finally {
      await running.close()
    }
  })
})

/** Runs the CLI in-process with exactly `args` (no --data-dir added). */
async function cli2(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const r = await runBrokerlabInProcess(args)
  return { code: r.status, out: r.stdout, err: r.stderr }
}
