/**
 * The groups view for a real consumer group, in Chromium: a kafkajs 2.2.4 group of two consumers
 * (run here, in the test process, against the listeners `brokerlab serve` opened in global-setup)
 * consumes a 4-partition topic. The view shows the group Stable with kafkajs' protocol type and
 * assignor, its generation and coordinator, both members (CONSUMER-ID, HOST, CLIENT-ID) with the
 * partitions kafkajs says each was assigned, and lag per partition with its member. Stopping one
 * consumer shows the rebalance: generation + 1, one member holding all four partitions, the member
 * that left in the rebalance history. Deleting the group is refused in words while a member is
 * left (NON_EMPTY_GROUP), and works once it is Empty.
 * Screenshots docs/screenshots/groups-members.png and groups-rebalance.png.
 *
 * Every client is bounded in time (connection and request timeouts, bounded waits) and
 * disconnected at the end, whatever happened.
 */
import { test, expect, type Page } from '@playwright/test'
import { mkdirSync } from 'node:fs'
import { resolve } from 'node:path'
import { Kafka, logLevel, type Admin, type Consumer, type Producer } from 'kafkajs'
import { contractRequest } from './serve-process'

const shots = resolve(__dirname, '../../docs/screenshots')
const TOPIC = 'orders-wire'
const GROUP = 'orders-wire-readers'
const PARTITIONS = 4

function env(name: string): string {
  const v = process.env[name]
  if (!v) throw new Error(`${name} is not set: global-setup did not start browser mode`)
  return v
}

async function shoot(page: Page, name: string): Promise<void> {
  mkdirSync(shots, { recursive: true })
  await page.waitForTimeout(1200) // let ECharts finish its entry animation before the picture
  await page.screenshot({ path: resolve(shots, `${name}.png`), fullPage: true })
}

/** The coordinator's view of the group over the contract (group/membership), independent of the page. */
async function membership(): Promise<{ state: string; generationId: number; members: { memberId: string }[] }> {
  const app = new URL(env('BROKERLAB_URL'))
  const wsUrl = `ws://${app.host}/ws?token=${app.searchParams.get('token')}`
  return (await contractRequest(wsUrl, 'group/membership', { groupId: GROUP })) as { state: string; generationId: number; members: { memberId: string }[] }
}

/** Waits up to `ms` for `check`, polling every 100 ms; throws naming `what`. */
async function until(check: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

test('a kafkajs group of two shows both members and their assignment; stopping one shows the rebalance', async ({ page }) => {
  test.setTimeout(180_000)
  const brokers = env('BROKERLAB_BOOTSTRAP').split(',')
  const kafka = (clientId: string) => new Kafka({ clientId, brokers, logLevel: logLevel.NOTHING, connectionTimeout: 5000, requestTimeout: 15000, retry: { retries: 8 } })
  let admin: Admin | undefined
  let producer: Producer | undefined
  const consumers: Consumer[] = []
  /** kafkajs' own view: each consumer's member id and partitions from its last GROUP_JOIN. */
  const joined = new Map<string, { partitions: number[]; memberId: string }>()
  try {
    admin = kafka('orders-wire-admin').admin()
    await admin.connect()
    await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: PARTITIONS, replicationFactor: 3 }], waitForLeaders: true })
    producer = kafka('orders-wire-producer').producer()
    await producer.connect()
    await producer.send({ topic: TOPIC, messages: Array.from({ length: 40 }, (_, i) => ({ key: `order-${i}`, value: `{"order":${i}}` })) })

    const start = async (name: string): Promise<Consumer> => {
      const c = kafka(name).consumer({ groupId: GROUP, sessionTimeout: 10000, heartbeatInterval: 500, maxWaitTimeInMs: 200, retry: { retries: 8 } })
      consumers.push(c)
      c.on(c.events.GROUP_JOIN, (e) =>
        joined.set(name, { partitions: [...(e.payload.memberAssignment[TOPIC] ?? [])].sort((x, y) => x - y), memberId: e.payload.memberId })
      )
      await c.connect()
      await c.subscribe({ topics: [TOPIC], fromBeginning: true })
      await c.run({ autoCommitInterval: 200, eachMessage: async () => {} })
      return c
    }
    const [a, b] = await Promise.all([start('orders-reader-a'), start('orders-reader-b')])
    const shared = (): boolean => {
      const ja = joined.get('orders-reader-a')
      const jb = joined.get('orders-reader-b')
      return !!ja && !!jb && ja.partitions.length > 0 && jb.partitions.length > 0 && new Set([...ja.partitions, ...jb.partitions]).size === PARTITIONS
    }
    await until(shared, 60_000, 'both consumers to share the 4 partitions')
    const before = { a: joined.get('orders-reader-a')!, b: joined.get('orders-reader-b')! }
    const m0 = await membership()
    expect(m0.state).toBe('Stable')
    expect(m0.members.map((m) => m.memberId).sort()).toEqual([before.a.memberId, before.b.memberId].sort())
    const generation = m0.generationId

    await page.goto(`${env('BROKERLAB_URL')}#/groups/${GROUP}`)
    await expect(page.getByTestId('group-selected')).toHaveText(GROUP)
    await expect(page.getByTestId('group-state')).toHaveText('Stable')
    await expect(page.getByTestId('group-protocol-type')).toHaveText('consumer')
    await expect(page.getByTestId('group-assignor')).toHaveText('RoundRobinAssigner')
    await expect(page.getByTestId('group-generation')).toHaveText(String(generation))
    await expect(page.getByTestId('group-coordinator')).toContainText('127.0.0.1:')
    const members = page.getByTestId('group-member-row')
    await expect(members).toHaveCount(2)
    for (const [name, j] of [['orders-reader-a', before.a], ['orders-reader-b', before.b]] as const) {
      const row = page.locator(`[data-testid="group-member-row"][data-member="${j.memberId}"]`)
      await expect(row.getByTestId('group-member-client')).toHaveText(name)
      await expect(row.getByTestId('group-member-host')).toHaveText('/127.0.0.1')
      await expect(row.getByTestId('group-member-assignment')).toHaveText(`${TOPIC}(${j.partitions.join(',')})`)
      for (const p of j.partitions)
        await expect(page.locator(`[data-testid="group-describe-row"][data-partition="${TOPIC}-${p}"]`).getByTestId('group-describe-client')).toHaveText(name)
    }
    await expect(page.getByTestId('group-lag-total')).toHaveText('0', { timeout: 30_000 }) // both consumed all 40 and committed
    await shoot(page, 'groups-members')

    await b.disconnect() // LeaveGroup: the coordinator rebalances a onto every partition
    await until(() => joined.get('orders-reader-a')!.partitions.length === PARTITIONS, 60_000, 'consumer a rebalanced onto all 4 partitions')
    const m1 = await membership()
    expect(m1).toMatchObject({ state: 'Stable', generationId: generation + 1, members: [{ memberId: before.a.memberId }] })
    await expect(page.getByTestId('group-generation')).toHaveText(String(generation + 1))
    await expect(page.getByTestId('group-state')).toHaveText('Stable')
    await expect(members).toHaveCount(1)
    await expect(members.getByTestId('group-member-client')).toHaveText('orders-reader-a')
    await expect(members.getByTestId('group-member-count-partitions')).toHaveText(String(PARTITIONS))
    await expect(members.getByTestId('group-member-assignment')).toHaveText(`${TOPIC}(0,1,2,3)`)
    const left = page.locator('[data-testid="group-history-entry"][data-kind="member-left"]').first()
    await expect(left).toContainText(`Member ${before.b.memberId} left group ${GROUP}`)
    await expect(page.locator(`[data-testid="group-history-entry"][data-kind="group-stable"][data-generation="${generation + 1}"]`)).toHaveCount(1)
    await shoot(page, 'groups-rebalance')

    // Kafka deletes only an Empty group: refused in words while a is a member, done once it left.
    await page.getByTestId('group-delete').click()
    await page.getByRole('button', { name: 'Delete', exact: true }).click()
    const refusal = page.getByTestId('group-delete-error')
    await expect(refusal).toContainText('NON_EMPTY_GROUP')
    await expect(refusal).toContainText(`Deletion of group '${GROUP}' failed: the group is not empty (state Stable)`)
    await a.disconnect()
    await expect(page.getByTestId('group-state')).toHaveText('Empty')
    await expect(page.getByTestId('group-members-empty')).toBeVisible()
    await page.getByTestId('group-delete').click()
    await page.getByRole('button', { name: 'Delete', exact: true }).click()
    await expect(page.locator(`[data-testid="group-row"][data-group="${GROUP}"]`)).toHaveCount(0)
  } finally {
    for (const c of consumers) await c.disconnect().catch(() => {})
    await producer?.disconnect().catch(() => {})
    await admin?.deleteTopics({ topics: [TOPIC] }).catch(() => {})
    await admin?.disconnect().catch(() => {})
  }
})
