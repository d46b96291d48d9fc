/**
 * LONG topic configs across the contract (EngineService against a real Cluster): requests carry them
 * as decimal strings, replies carry them as decimal strings that survive JSON (the browser-mode
 * WebSocket) exactly, the engine holds them as bigint, and a value beyond Long.MAX_VALUE is refused
 * with INVALID_CONFIG and Kafka's message before anything is created.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { EngineService } from '../../../src/host/engine-service'
import type { Reply } from '../../../src/shared/contract'
import { openTestCluster, type TestCluster } from './test-cluster'

let tc: TestCluster
let service: EngineService

beforeEach(() => {
  tc = openTestCluster()
  service = new EngineService(tc.cluster, { clock: () => tc.clock.now })
})

afterEach(async () => {
  await service.close()
  await tc.cleanup()
})

/** The reply as a browser-mode client receives it: through JSON.stringify / JSON.parse. */
function overJson<T>(reply: Reply<T>): Reply<T> {
  return JSON.parse(JSON.stringify(reply)) as Reply<T>
}

function data<T>(reply: Reply<T>): T {
  if (!reply.ok) throw new Error(`expected ok, got ${reply.error.code}: ${reply.error.message}`)
  return reply.data
}

describe('LONG configs over the contract', () => {
  it("answers topic/defaults with Kafka's Long.MAX_VALUE exactly", async () => {
    const d = data(overJson(await service.handle('topic/defaults', {})))
    expect(d.configs['flush.ms']).toBe('9223372036854775807')
    expect(d.configs['flush.messages']).toBe('9223372036854775807')
    expect(d.configs['retention.ms']).toBe('604800000')
    expect(d.configs['segment.bytes']).toBe(1073741824)
  })

  it('creates, alters and describes a topic with LONG values beyond 2^53 exactly, in the engine and in the replies', async () => {
    const created = data(
      overJson(
        await service.handle('topic/create', {
          topic: 'exact',
          partitions: 1,
          replicationFactor: 1,
          configs: { 'flush.ms': '9223372036854775806', 'retention.bytes': '9007199254740993' }
        })
      )
    )
    expect(created.configs['flush.ms']).toBe('9223372036854775806')
    expect(created.configs['retention.bytes']).toBe('9007199254740993')
    expect(tc.cluster.describeTopic('exact').configs['flush.ms']).toBe(9223372036854775806n)

    const altered = data(overJson(await service.handle('topic/alter', { topic: 'exact', configs: { 'segment.ms': '9223372036854775807', 'retention.ms': 5000 } })))
    expect(altered.configs['segment.ms']).toBe('9223372036854775807')
    expect(altered.configs['retention.ms']).toBe('5000')
    expect(altered.configs['flush.ms']).toBe('9223372036854775806')
    const described = data(overJson(await service.handle('topic/describe', { topic: 'exact' })))
    expect(described.configs).toEqual(altered.configs)
  })

  it("refuses a LONG beyond Long.MAX_VALUE with INVALID_CONFIG and Kafka's message, creating nothing", async () => {
    const r = await service.handle('topic/create', { topic: 'big', partitions: 1, replicationFactor: 1, configs: { 'flush.ms': '9223372036854775808' } })
    expect(r).toEqual({
      ok: false,
      error: {
        code: 'INVALID_CONFIG',
        message: 'Invalid topic/create request: configs.flush.ms: Invalid value 9223372036854775808 for configuration flush.ms: Not a number of type LONG'
      }
    })
    const unknown = await service.handle('topic/create', { topic: 'big', partitions: 1, replicationFactor: 1, configs: { 'retention.hours': 5 } as never })
    expect(unknown.ok || unknown.error).toEqual({
      code: 'INVALID_CONFIG',
      message: 'Invalid topic/create request: configs.retention.hours: Unknown topic config name: retention.hours'
    })
    // A JSON number beyond 2^53 cannot be exact: refused, naming the way to send it.
    const rounded = await service.handle('topic/alter', { topic: 'x', configs: { 'flush.ms': 9223372036854775807 } })
    expect(rounded.ok || rounded.error.message).toMatch(/flush\.ms: .*give a LONG beyond it as a decimal string/)
    expect(tc.cluster.listTopics().map((t) => t.name)).toEqual([])
  })
})
