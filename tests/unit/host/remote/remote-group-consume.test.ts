/**
 * `brokerlab consume --group` over the wire joins the group as a real member (src/host/remote/
 * remote-group-member.ts), against a 3-broker cluster with real listeners (tests/clients/
 * wire-cluster.ts, 127.0.0.1, ports from 0), the CLI run in this process through runCli:
 * - an idle group: the CLI joins it (the coordinator shows it as the one member, with every
 *   partition, while it runs), consumes everything once, commits with its generation while it is a
 *   member, and leaves: the group is then Empty with the committed offsets at the high watermarks;
 * - a kafkajs 2.2.4 consumer already in the group: the CLI joins too, the group rebalances to two
 *   members, each partition is read by exactly one of them, the CLI's commits are taken, and when
 *   the CLI leaves the kafkajs member gets every partition back and continues from the CLI's commits.
 * Bounded in time; everything started is stopped.
 */
import { AssignerProtocol, Kafka, logLevel, type Consumer, type PartitionAssigner, type Producer } from 'kafkajs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli } from '../../../../src/cli/main'
import { rangeAssign } from '../../../../src/host/remote/range-assignor'
import { until } from '../../../clients/scenario'
import { startWireCluster, type WireCluster } from '../../../clients/wire-cluster'
import { ROOT, runBrokerlabInProcess } from '../../cli/run-cli'

let w: WireCluster
const clients: { disconnect(): Promise<void> }[] = []

beforeAll(async () => {
  w = await startWireCluster({ groupConfig: { 'group.initial.rebalance.delay.ms': 0 } })
}, 60_000)

afterAll(async () => {
  for (const c of clients) await c.disconnect().catch(() => {})
  await w?.close()
})

/** A CLI command running in this process until it ends or is stopped (Ctrl+C), with its output so far. */
interface RunningCli {
  out(): string
  err(): string
  stop(): void
  done: Promise<number>
}

/** Starts `brokerlab ...args` in this process with a stop signal the test controls. */
function startCli(args: string[]): RunningCli {
  const out: string[] = []
  const err: string[] = []
  let stop!: () => void
  const stopSignal = new Promise<void>((res) => (stop = res))
  const done = runCli(args, {
    stdout: { write: (t: string) => out.push(t) },
    stderr: { isTTY: false, write: (t: string) => err.push(t) },
    env: { ...process.env, BROKERLAB_DATA_DIR: '' },
    root: ROOT,
    stopSignal
  })
  return { out: () => out.join(''), err: () => err.join(''), stop, done }
}

/** The records a `consume --json` printed: partition, offset and value. */
function printed(text: string): { partition: number; offset: number; value: string }[] {
  return text
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { partition: number; offset: number; value: string })
    .map((r) => ({ partition: r.partition, offset: r.offset, value: r.value }))
}

/** Runs a CLI command to its end; fails the test on a non-zero exit. */
async function cli(args: string[]): Promise<string> {
  const r = await runBrokerlabInProcess([...args, '--bootstrap-server', w.bootstrap()])
  expect(r.stderr).toBe('')
  expect(r.status).toBe(0)
  return r.stdout
}

/** A kafkajs assigner named "range" (kafkajs has none of its own), cutting partitions as Kafka's RangeAssignor does. */
const kafkajsRangeAssigner: PartitionAssigner = ({ cluster }) => ({
  name: 'range',
  version: 0,
  protocol: ({ topics }) => ({ name: 'range', metadata: AssignerProtocol.MemberMetadata.encode({ version: 0, topics, userData: Buffer.alloc(0) }) }),
  async assign({ members, topics }) {
    const subscriptions = new Map(members.map((m) => [m.memberId, AssignerProtocol.MemberMetadata.decode(m.memberMetadata)!.topics]))
    const counts = new Map(topics.map((t) => [t, cluster.findTopicPartitionMetadata(t).length]))
    return [...rangeAssign(subscriptions, counts)].map(([memberId, a]) => ({
      memberId,
      memberAssignment: AssignerProtocol.MemberAssignment.encode({ version: 0, assignment: Object.fromEntries(a), userData: Buffer.alloc(0) })
    }))
  }
})

describe('consume --group over the wire', { timeout: 90_000 }, () => {
  it('joins an idle group as its member, consumes everything once, commits with its generation and leaves it Empty with the committed offsets', async () => {
    await cli(['topic', 'create', 'idle-events', '--partitions', '3'])
    await cli(['produce', '--topic', 'idle-events', '--key', 'k{{i}}', '--value', 'v{{i}}', '--count', '30'])
    const run = startCli(['consume', '--topic', 'idle-events', '--group', 'g-idle', '--from-beginning', '--follow', '--json', '--bootstrap-server', w.bootstrap()])
    try {
      await until(() => printed(run.out()).length === 30, 'the 30 records printed', 30_000)
      // While it runs, the coordinator holds the CLI as the group's one member, with every partition.
      const during = await w.appMembership('g-idle')
      expect(during).toMatchObject({ state: 'Stable', protocolType: 'consumer', assignmentStrategy: 'range' })
      expect(during.generationId).toBeGreaterThanOrEqual(1)
      expect(during.members).toHaveLength(1)
      expect(during.members[0]).toMatchObject({ clientId: 'brokerlab-cli', host: '/127.0.0.1', assignment: [{ topic: 'idle-events', partitions: [0, 1, 2] }] })
      // Its commits are taken while it is a member (a commit without generation would be refused now).
      await until(async () => (await w.appGroup('g-idle')).totalLag === 0, 'the 30 records committed', 20_000)
      await cli(['produce', '--topic', 'idle-events', '--key', 'late{{i}}', '--value', 'late{{i}}', '--count', '3'])
      await until(() => printed(run.out()).length === 33, 'the 3 later records printed', 20_000)
      await until(async () => (await w.appGroup('g-idle')).totalLag === 0, 'the 3 later records committed', 20_000)
      const still = await w.appMembership('g-idle')
      expect(still.state).toBe('Stable')
      expect(still.members.map((m) => m.memberId)).toEqual(during.members.map((m) => m.memberId))
      expect(still.generationId).toBe(during.generationId)
    } finally {
      run.stop()
    }
    expect(await run.done).toBe(0)
    expect(run.err()).toBe('Consumed 33 records as group g-idle; committed. Lag now 0.\n')
    const records = printed(run.out())
    expect(new Set(records.map((r) => `${r.partition}:${r.offset}`)).size).toBe(33)
    expect(records.map((r) => r.value).sort()).toEqual([...Array.from({ length: 30 }, (_, i) => `v${i}`), 'late0', 'late1', 'late2'].sort())
    // After it left: Empty, no members, the committed offsets at the high watermarks.
    const after = await w.appMembership('g-idle')
    expect(after.state).toBe('Empty')
    expect(after.members).toEqual([])
    const group = await w.appGroup('g-idle')
    expect(group.rows.map((r) => r.partition)).toEqual([0, 1, 2])
    for (const r of group.rows) expect(r.currentOffset).toBe(r.logEndOffset)
    expect(group.rows.reduce((n, r) => n + r.logEndOffset, 0)).toBe(33)
  })

  it('joins a group a kafkajs consumer is in: two members share the partitions, each read by one of them, and the kafkajs member gets them all back when the CLI leaves', async () => {
    const TOPIC = 'shared-events'
    const GROUP = 'g-shared'
    await cli(['topic', 'create', TOPIC, '--partitions', '4', '--replication-factor', '3'])
    const kafka = new Kafka({ clientId: 'kafkajs-member', brokers: w.bootstrap().split(','), logLevel: logLevel.NOTHING, connectionTimeout: 3000, requestTimeout: 10000, retry: { retries: 10, initialRetryTime: 100 } })
    const producer: Producer = kafka.producer({ allowAutoTopicCreation: false })
    clients.push(producer)
    await producer.connect()
    const send = async (partition: number, values: string[]) => {
      await producer.send({ topic: TOPIC, acks: -1, messages: values.map((value) => ({ partition, value })) })
    }

    // The kafkajs member alone: every partition; it reads and commits the first records.
    const seen: { partition: number; offset: number; value: string }[] = []
    let kafkajsAssignment: number[] = []
    const consumer: Consumer = kafka.consumer({ groupId: GROUP, partitionAssigners: [kafkajsRangeAssigner], sessionTimeout: 10000, heartbeatInterval: 500, maxWaitTimeInMs: 200, retry: { retries: 10, initialRetryTime: 100 } })
    clients.push(consumer)
    consumer.on(consumer.events.GROUP_JOIN, (e) => void (kafkajsAssignment = (e.payload.memberAssignment[TOPIC] ?? []).slice().sort((a, b) => a - b)))
    await consumer.connect()
    await consumer.subscribe({ topics: [TOPIC], fromBeginning: true })
    await consumer.run({ autoCommitInterval: 100, eachMessage: async (m) => void seen.push({ partition: m.partition, offset: Number(m.message.offset), value: m.message.value!.toString() }) })
    await until(() => kafkajsAssignment.length === 4, 'the kafkajs member assigned all 4 partitions', 30_000)
    for (let p = 0; p < 4; p++) await send(p, [`before-${p}-0`, `before-${p}-1`])
    await until(() => seen.length === 8, 'the kafkajs member reading the first 8 records', 20_000)
    await until(async () => (await w.appGroup(GROUP)).totalLag === 0, 'the kafkajs member committing them', 20_000)

    // The CLI joins: the group rebalances to two members that share the partitions.
    const run = startCli(['consume', '--topic', TOPIC, '--group', GROUP, '--follow', '--max', '10', '--json', '--bootstrap-server', w.bootstrap()])
    let cliPartitions: number[] = []
    try {
      await until(async () => {
        const m = await w.appMembership(GROUP)
        const cliMember = m.members.find((x) => x.clientId === 'brokerlab-cli')
        cliPartitions = cliMember?.assignment.find((a) => a.topic === TOPIC)?.partitions ?? []
        return m.state === 'Stable' && m.members.length === 2 && cliPartitions.length > 0 && kafkajsAssignment.length > 0 && kafkajsAssignment.length + cliPartitions.length === 4
      }, 'the group stable with the CLI and the kafkajs member', 40_000)
      expect(cliPartitions).toHaveLength(2)
      expect([...cliPartitions, ...kafkajsAssignment].sort()).toEqual([0, 1, 2, 3])
      // 5 records to every partition: the CLI reads the 10 of its two partitions, the kafkajs member the others.
      for (let p = 0; p < 4; p++) await send(p, Array.from({ length: 5 }, (_, i) => `during-${p}-${i}`))
      expect(await run.done).toBe(0)
    } finally {
      run.stop()
    }
    expect(run.err()).toMatch(/^Consumed 10 records as group g-shared; committed\. Lag now \d+\.\n$/)
    const byCli = printed(run.out())
    expect(byCli).toHaveLength(10)
    expect(new Set(byCli.map((r) => r.partition))).toEqual(new Set(cliPartitions))
    expect(byCli.map((r) => r.value).sort()).toEqual(cliPartitions.flatMap((p) => Array.from({ length: 5 }, (_, i) => `during-${p}-${i}`)).sort())
    // The CLI's commits were taken: its partitions' committed offsets are their high watermarks (7 each).
    const committed = w.cluster.fetchOffsets(GROUP).offsets.get(TOPIC)!
    for (const p of cliPartitions) expect(committed.get(p)).toBe(7)

    // The CLI left: the kafkajs member gets every partition back and continues from the CLI's commits.
    await until(() => kafkajsAssignment.length === 4, 'the kafkajs member reassigned all 4 partitions', 30_000)
    for (const p of cliPartitions) await send(p, [`after-${p}`])
    const total = 8 + 20 + cliPartitions.length
    await until(() => seen.length + byCli.length >= total, `all ${total} records read`, 30_000)
    const reads = [...seen, ...byCli]
    expect(reads).toHaveLength(total)
    // Each record read by exactly one of the two, and each partition's records of the shared phase by one reader.
    expect(new Set(reads.map((r) => `${r.partition}:${r.offset}`)).size).toBe(total)
    for (const p of [0, 1, 2, 3].filter((x) => !cliPartitions.includes(x))) {
      expect(seen.filter((r) => r.partition === p && r.value.startsWith('during-'))).toHaveLength(5)
    }
    for (const p of cliPartitions) {
      expect(seen.filter((r) => r.partition === p && r.value.startsWith('during-'))).toEqual([])
      expect(seen.filter((r) => r.partition === p && r.value === `after-${p}`)).toHaveLength(1)
    }
    await consumer.disconnect()
  })

  it('as the group leader, rejoins when its heartbeat reports a rebalance and hands a kafkajs member that joined later its range of the partitions', async () => {
    const TOPIC = 'led-events'
    const GROUP = 'g-led'
    await cli(['topic', 'create', TOPIC, '--partitions', '4'])
    const run = startCli(['consume', '--topic', TOPIC, '--group', GROUP, '--follow', '--max', '10', '--json', '--bootstrap-server', w.bootstrap()])
    let kafkajsAssignment: number[] = []
    try {
      await until(async () => (await w.appMembership(GROUP)).members[0]?.assignment[0]?.partitions.length === 4, 'the CLI alone in the group with all 4 partitions', 30_000)
      const cliMemberId = (await w.appMembership(GROUP)).members[0].memberId
      expect(w.cluster.describeGroup(GROUP).leader).toBe(cliMemberId)

      // A kafkajs member joins: the CLI learns of the rebalance from its heartbeat, rejoins, and as the
      // leader cuts the partitions by range over both members (by member id).
      const kafka = new Kafka({ clientId: 'kafkajs-late', brokers: w.bootstrap().split(','), logLevel: logLevel.NOTHING, connectionTimeout: 3000, requestTimeout: 10000, retry: { retries: 10, initialRetryTime: 100 } })
      const seen: { partition: number; value: string }[] = []
      const consumer: Consumer = kafka.consumer({ groupId: GROUP, partitionAssigners: [kafkajsRangeAssigner], sessionTimeout: 10000, heartbeatInterval: 500, maxWaitTimeInMs: 200, retry: { retries: 10, initialRetryTime: 100 } })
      clients.push(consumer)
      consumer.on(consumer.events.GROUP_JOIN, (e) => void (kafkajsAssignment = (e.payload.memberAssignment[TOPIC] ?? []).slice().sort((a, b) => a - b)))
      await consumer.connect()
      await consumer.subscribe({ topics: [TOPIC], fromBeginning: true })
      await consumer.run({ eachMessage: async (m) => void seen.push({ partition: m.partition, value: m.message.value!.toString() }) })
      await until(async () => (await w.appMembership(GROUP)).state === 'Stable' && kafkajsAssignment.length === 2, 'the kafkajs member assigned 2 partitions', 40_000)
      const m = await w.appMembership(GROUP)
      expect(m.members).toHaveLength(2)
      expect(w.cluster.describeGroup(GROUP).leader).toBe(cliMemberId)
      const expected = rangeAssign(new Map(m.members.map((x) => [x.memberId, [TOPIC]])), new Map([[TOPIC, 4]]))
      const cliPartitions = m.members.find((x) => x.memberId === cliMemberId)!.assignment[0].partitions
      expect(cliPartitions).toEqual(expected.get(cliMemberId)!.get(TOPIC))
      expect([...cliPartitions, ...kafkajsAssignment].sort()).toEqual([0, 1, 2, 3])

      const producer: Producer = kafka.producer({ allowAutoTopicCreation: false })
      clients.push(producer)
      await producer.connect()
      for (let p = 0; p < 4; p++) await producer.send({ topic: TOPIC, acks: -1, messages: Array.from({ length: 5 }, (_, i) => ({ partition: p, value: `led-${p}-${i}` })) })
      expect(await run.done).toBe(0)
      expect(new Set(printed(run.out()).map((r) => r.partition))).toEqual(new Set(cliPartitions))
      await until(() => seen.length >= 10, 'the kafkajs member reading its 10 records', 20_000)
      expect(new Set(seen.map((r) => r.partition))).toEqual(new Set(kafkajsAssignment))
      await consumer.disconnect()
    } finally {
      run.stop()
    }
    expect(printed(run.out())).toHaveLength(10)
    expect(run.err()).toMatch(/^Consumed 10 records as group g-led; committed\. Lag now \d+\.\n$/)
  })
})
