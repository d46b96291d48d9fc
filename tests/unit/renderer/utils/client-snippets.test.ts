/**
 * "Connect a client": the bootstrap string lists the brokers whose listener is up, in id order, and
 * each client's snippet carries it (and the topic) in that client's own config names and quoting.
 */
import { describe, expect, it } from 'vitest'
import type { BrokerView } from '@shared/contract'
import { bootstrapServers, clientSnippets } from '../../../../src/renderer/src/utils/client-snippets'

const broker = (id: number, port: number, state: 'listening' | 'down' | 'stopped' | null, alive = true): BrokerView => ({
  id,
  address: `127.0.0.1:${port}`,
  ...(state ? { listener: { state, error: state === 'down' ? `port ${port} in use` : null } } : {}),
  alive,
  state: alive ? 'running' : 'stopped',
  fenced: false,
  isolated: false,
  slowMs: 0,
  lastHeartbeatMs: null,
  fetching: alive,
  partitionsLed: 0,
  replicas: 0,
  bytesOnDisk: 0,
  controller: id === 1
})

describe('bootstrapServers', () => {
  it('lists listening brokers in id order, leaving out down, stopped and listener-less ones', () => {
    const brokers = [broker(3, 40003, 'listening'), broker(1, 40001, 'listening'), broker(2, 40002, 'down'), broker(4, 40004, 'stopped', false), broker(5, 40005, null)]
    expect(bootstrapServers(brokers)).toBe('127.0.0.1:40001,127.0.0.1:40003')
    expect(bootstrapServers([broker(2, 40002, 'down')])).toBe('')
  })
})

describe('clientSnippets', () => {
  const b = '127.0.0.1:40001,127.0.0.1:40003'
  const byId = Object.fromEntries(clientSnippets(b, 'orders').map((s) => [s.id, s]))

  it('offers kcat, kafkajs, the Java client, confluent-kafka and kafka-python', () => {
    expect(Object.keys(byId)).toEqual(['kcat', 'kafkajs', 'java', 'confluent-kafka', 'kafka-python'])
  })

  it("puts the bootstrap string and the topic in each client's own config names", () => {
    expect(byId.kcat.code).toContain(`kcat -b ${b} -t orders -P -K:`)
    expect(byId.kafkajs.code).toContain(`brokers: ["127.0.0.1:40001","127.0.0.1:40003"]`)
    expect(byId.java.code).toContain(`props.put("bootstrap.servers", "${b}");`)
    expect(byId['confluent-kafka'].code).toContain(`{"bootstrap.servers": "${b}", "acks": "all"}`)
    expect(byId['kafka-python'].code).toContain(`KafkaProducer(bootstrap_servers="${b}", acks="all")`)
    for (const s of Object.values(byId)) expect(s.code).toContain('orders')
  })

  it('quotes a topic for the shell and for string literals', () => {
    const odd = Object.fromEntries(clientSnippets(b, "it's").map((s) => [s.id, s]))
    expect(odd.kcat.code).toContain(`-t 'it'\\''s'`)
    expect(odd['kafka-python'].code).toContain(`send("it's"`)
  })
})
