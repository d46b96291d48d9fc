/**
 * `brokerlab broker stop|kill|start|slow|isolate|heal ID`, run in-process (runCli) on a data
 * directory: what each prints (the step's events and the brokers' states), what lasts after the
 * command (a stop does; a kill leaves its logs to be recovered), and the refusals with their exit
 * codes (2 for usage, 1 for the engine's refusal naming the rule).
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { runBrokerlabInProcess } from './run-cli'

let dir: string
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'brokerlab-broker-cli-'))
})
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true })
})

async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const r = await runBrokerlabInProcess([...args, '--data-dir', path.join(dir, 'data')])
  return { code: r.status, out: r.stdout, err: r.stderr }
}

describe('brokerlab broker', { timeout: 60_000 }, () => {
  it('stops a broker for good (persisted) and starts it again, printing the events and the states', async () => {
    const stop = await cli('broker', 'stop', '2')
    expect(stop.code).toBe(0)
    expect(stop.out).toContain('Broker 2 stopped (a controlled shutdown)')
    expect(stop.out).toMatch(/2\s+stopped/)
    const again = await cli('broker', 'start', '2', '--json')
    expect(again.code).toBe(0)
    const { events, brokers } = JSON.parse(again.out) as { events: { kind: string }[]; brokers: { id: number; state: string }[] }
    expect(events.map((e) => e.kind)).toContain('broker-started')
    expect(brokers.find((b) => b.id === 2)!.state).toBe('running')
  })

  it('kills a broker in-process: it is killed for the rest of the command, and its logs are recovered at the next open', async () => {
    const kill = await cli('broker', 'kill', '3')
    expect(kill.code).toBe(0)
    expect(kill.out).toContain('Broker 3 was killed (no controlled shutdown)')
    expect(kill.out).toMatch(/3\s+killed/)
    expect(fs.existsSync(path.join(dir, 'data', 'broker-3', '.kafka_cleanshutdown'))).toBe(false)
    expect(fs.existsSync(path.join(dir, 'data', 'broker-2', '.kafka_cleanshutdown'))).toBe(true)
    const next = await cli('broker', 'slow', '3', '--delay-ms', '50')
    expect(next.code).toBe(0) // a new process: broker 3 runs again
    expect(next.out).toContain('takes 50 ms more')
  })

  it('refuses with the rule: a missing or misplaced --delay-ms and an unknown action are usage errors, an unknown broker the engine refuses', async () => {
    expect(await cli('broker', 'slow', '1')).toMatchObject({ code: 2, err: expect.stringContaining('broker slow needs --delay-ms N') })
    expect(await cli('broker', 'kill', '1', '--delay-ms', '5')).toMatchObject({ code: 2, err: expect.stringContaining('--delay-ms goes with broker slow only') })
    expect(await cli('broker', 'reboot', '1')).toMatchObject({ code: 2, err: expect.stringContaining('Unknown broker action "reboot"') })
    expect(await cli('broker', 'slow', '1', '--delay-ms', '0')).toMatchObject({ code: 2, err: expect.stringContaining('delayMs') })
    expect(await cli('broker', 'kill', '9')).toMatchObject({ code: 1, err: expect.stringContaining('BROKER_NOT_AVAILABLE: Broker 9 does not exist (brokers: 1, 2, 3)') })
    expect(await cli('broker', 'heal', '1')).toMatchObject({ err: expect.stringContaining('Broker 1 has no fault to heal') })
  })
})
