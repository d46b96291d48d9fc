/**
 * The timeline and the topology at scale, in the browser: with topics totalling 500 partitions the
 * topology opens as the partitions x brokers matrix, filters by topic and groups by topic
 * (screenshot docs/screenshots/topology-500.png). Then, on the quiet cluster again, killing the broker
 * that leads a partition shows in the timeline the kill, the fence after broker.session.timeout.ms and
 * the election, each explained; filtering by that broker keeps only its events; clicking the
 * election highlights its partition in the topology, graph and matrix (screenshot
 * docs/screenshots/timeline.png). The spec leaves the cluster as it found it: the broker started and
 * back in every ISR, preferred leaders elected again, its topics deleted; it never kills broker 3,
 * whose flights leadership stop-broker.spec.ts relies on.
 */
import { resolve } from 'node:path'
import { test, expect, type Page } from '@playwright/test'
import { baseUrl, contractRequest, wsUrl } from './serve-process'
import type { TopicDetail } from '../../src/shared/contract'

const shots = resolve(__dirname, '../../docs/screenshots')
/**
 * With the partitions other specs left (flights' 6 at least), these make the 500 partitions of the
 * topology (RF 2 and 1 to keep them cheap): the last one is sized to the rest when the test runs.
 */
const BIG: { topic: string; partitions: number; replicationFactor: number }[] = [
  { topic: 'timeline-clicks', partitions: 200, replicationFactor: 2 },
  { topic: 'timeline-payments', partitions: 150, replicationFactor: 2 },
  { topic: 'timeline-views', partitions: 144, replicationFactor: 1 }
]
/** Three partitions, RF 3: brokers 1 and 2 each lead one (replica-assignment.ts spreads leaders). */
const TOPIC = 'timeline-orders'

const call = (name: string, payload: unknown): Promise<unknown> => contractRequest(wsUrl(), name, payload)
const describeTopic = async (topic: string): Promise<TopicDetail> => (await call('topic/describe', { topic })) as TopicDetail

/** Every partition of `topic` has its whole replica set in the ISR. */
async function fullIsr(topic: string): Promise<boolean> {
  return (await describeTopic(topic)).partitionViews.every((p) => p.isr.length === p.replicas.length)
}

/** Picks `label` in a select; a filterable one gets the label typed, so an option beyond its visible (virtual) list is found. */
async function pick(page: Page, testid: string, label: string, opts: { type?: boolean } = {}): Promise<void> {
  await page.getByTestId(testid).click()
  if (opts.type) await page.keyboard.type(label)
  await page.locator('.n-base-select-option:visible').filter({ hasText: new RegExp(`^\\s*${label}\\s*$`) }).first().click()
  await page.keyboard.press('Escape')
}

let killed: number | null = null

test.afterAll(async () => {
  if (killed !== null) await call('broker/start', { brokerId: killed }).catch(() => undefined)
  for (const t of [...BIG.map((b) => b.topic), TOPIC]) await call('topic/delete', { topic: t }).catch(() => undefined)
})

test('the topology of 500 partitions is a matrix that filters and groups by topic', async ({ page }) => {
  test.setTimeout(180_000)
  const snapshot = (await call('cluster/snapshot', {})) as { partitions: Record<string, unknown[]> }
  const existing = Object.values(snapshot.partitions).reduce((n, ps) => n + ps.length, 0)
  const last = BIG[BIG.length - 1]
  last.partitions = 500 - existing - BIG.slice(0, -1).reduce((n, b) => n + b.partitions, 0)
  expect(last.partitions, `other topics already hold ${existing} partitions`).toBeGreaterThan(0)
  for (const b of BIG) await call('topic/create', b)
  await page.goto(`${baseUrl()}#/cluster`)
  await expect(page.getByTestId('topology-count')).toHaveText('500 partitions (matrix above 60)', { timeout: 30_000 })
  const matrix = page.getByTestId('topology-matrix')
  await expect(matrix).toBeVisible()
  // Each cell is a replica's role: a partition of RF 2 has one leader and one other replica.
  const cells = matrix.locator('[data-testid^="matrix-cell-timeline-clicks-7-"]')
  await expect(cells).toHaveCount(3)
  await expect(cells.and(page.locator('[data-role="leader"]'))).toHaveCount(1)
  await expect(cells.and(page.locator('[data-role="none"]'))).toHaveCount(1)
  await page.mouse.move(0, 0)
  await page.getByTestId('view-cluster').locator('.n-card').filter({ has: matrix }).screenshot({ path: resolve(shots, 'topology-500.png') })

  await pick(page, 'topology-topic-filter', 'timeline-payments', { type: true })
  await expect(page.getByTestId('topology-count')).toHaveText('150 partitions (matrix above 60)')
  await expect(matrix.locator('[data-testid^="matrix-cell-timeline-clicks-"]')).toHaveCount(0)
  await page.getByTestId('topology-group').click()
  await expect(page.getByTestId('topology-topic-timeline-payments')).toContainText('150 partitions · 0 under-replicated · 0 offline')
  // The graph for the few: switching to it by hand draws the chart.
  await page.getByTestId('topology-mode-graph').click()
  await expect(page.getByTestId('cluster-topology-timeline-payments')).toBeVisible()

  for (const b of BIG) await call('topic/delete', { topic: b.topic })
})

test('killing a leader shows the kill, the fence and the election explained; filtering by broker and clicking the election highlights its partition', async ({ page }) => {
  test.setTimeout(150_000)
  await call('topic/create', { topic: TOPIC, partitions: 3, replicationFactor: 3 })
  await expect.poll(() => fullIsr(TOPIC)).toBe(true)
  const led = (await describeTopic(TOPIC)).partitionViews.find((p) => p.leader === 1 || p.leader === 2)
  if (!led) throw new Error(`no partition of ${TOPIC} is led by broker 1 or 2`)
  const victim = led.leader
  const key = `${TOPIC}-${led.partition}`
  const flightsLeaders = (await describeTopic('flights')).partitionViews.map((p) => ({ partition: p.partition, leader: p.leader, preferred: p.leader === p.replicas[0] }))

  await page.goto(`${baseUrl()}#/timeline`)
  await expect(page.getByTestId('cluster-timeline')).toBeVisible()
  await call('broker/kill', { brokerId: victim })
  killed = victim
  const rows = page.getByTestId('timeline-event')
  await expect(rows.and(page.locator('[data-kind="broker-killed"]')).first()).toContainText(`Broker ${victim} was killed (no controlled shutdown)`)
  // Only the missing heartbeats tell the controller: within broker.session.timeout.ms it fences the
  // broker and elects new leaders from the ISR. The fence step emits more events at once (an election
  // and ISR shrinks for each of its __consumer_offsets partitions too) than one snapshot carries
  // (SNAPSHOT_EVENTS): the timeline reads the ones the snapshot left out from cluster/events, so the
  // fence itself is there, and the election explains it with the missed time.
  const election = rows.and(page.locator(`[data-kind="leader-elected"][data-topic="${TOPIC}"][data-partition="${led.partition}"]`)).first()
  const because = `Broker ${victim} missed heartbeats for \\d+\\.\\d s \\(broker\\.session\\.timeout\\.ms = 9\\.0 s\\), so the controller fenced it and`
  await expect(election).toContainText(new RegExp(`${because} elected broker \\d leader of ${key} from the ISR \\[\\d, \\d\\], epoch \\d+`), { timeout: 25_000 })
  const fence = rows.and(page.locator('[data-kind="broker-fenced"]'))
  await expect(fence.first()).toContainText(new RegExp(`Broker ${victim} missed heartbeats for \\d+\\.\\d s \\(broker\\.session\\.timeout\\.ms = 9\\.0 s\\), so the controller fenced it`))
  await expect(page.getByTestId('timeline-gap')).toHaveCount(0)
  const newLeader = Number(/elected broker (\d)/.exec(await election.innerText())?.[1])
  expect(newLeader).not.toBe(victim)

  // Filter by the victim: only its events stay (topic creations and deletions name no broker).
  await expect(rows.and(page.locator('[data-kind^="topic-"]')).first()).toBeVisible()
  await pick(page, 'timeline-broker', `Broker ${victim}`)
  await expect(rows.and(page.locator('[data-kind^="topic-"]'))).toHaveCount(0)
  await expect(rows.and(page.locator('[data-kind="broker-killed"]')).first()).toBeVisible()
  await expect(rows.and(page.locator(`[data-kind="isr-shrink"][data-topic="${TOPIC}"]`)).first()).toContainText(`Broker ${victim} was fenced (missed heartbeats), so it left the ISR of ${TOPIC}-`)
  await pick(page, 'timeline-topic', TOPIC, { type: true })
  await expect(rows.and(page.locator(`[data-topic]:not([data-topic="${TOPIC}"])`))).toHaveCount(0)

  await election.click()
  await expect(election).toHaveAttribute('data-selected', 'true')
  // The selected row shows the engine's own account under the explanation.
  await expect(election).toContainText(`now leads ${key}`)
  await expect(page.getByTestId('topology-highlight-partitions')).toHaveText(key)
  await page.mouse.move(0, 0)
  // The fence's warnings are also notices (8 s each): let them go so they do not cover the screenshot.
  await expect(page.locator('.n-message')).toHaveCount(0, { timeout: 20_000 })
  await page.waitForTimeout(300) // the chart draws the highlight on its next frame
  await page.screenshot({ path: resolve(shots, 'timeline.png'), fullPage: true })
  await page.getByTestId('topology-mode-matrix').click()
  await expect(page.getByTestId(`matrix-cell-${key}-${newLeader}`)).toHaveAttribute('data-role', 'leader')
  await expect(page.getByTestId(`matrix-cell-${key}-${victim}`)).toHaveAttribute('data-role', 'offline')
  await expect(page.getByTestId(`matrix-cell-${key}-${victim}`)).toHaveAttribute('data-highlighted', 'true')
  await expect(page.locator('[data-testid^="matrix-cell-"][data-highlighted="true"]')).toHaveCount(3)
  await page.getByTestId('topology-highlight-clear').click()
  await expect(page.getByTestId('topology-highlight')).toHaveCount(0)
  await expect(page.locator('[data-testid^="matrix-cell-"][data-highlighted="true"]')).toHaveCount(0)

  // Back as found: the broker runs and rejoins every ISR, the preferred leaders lead again.
  await call('broker/start', { brokerId: victim })
  killed = null
  await expect.poll(async () => (await fullIsr(TOPIC)) && (await fullIsr('flights')), { timeout: 60_000 }).toBe(true)
  await call('cluster/elect-leaders', { electionType: 'preferred' })
  // Flights partitions that had their preferred leader have it again (those that did not are left alone).
  const wanted = flightsLeaders.filter((f) => f.preferred)
  await expect
    .poll(async () => {
      const now = (await describeTopic('flights')).partitionViews
      return wanted.filter((f) => now.find((p) => p.partition === f.partition)?.leader !== f.leader).map((f) => f.partition)
    })
    .toEqual([])
  await call('topic/delete', { topic: TOPIC })
})
