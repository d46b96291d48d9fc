/**
 * The message browser as a Kafka user expects, in Chromium against browser mode, on the flights
 * dataset (global-setup) and a generated 200,000-record topic: latest shows the newest records; a
 * live tail sees records a second client produces within a second; a value search and a header
 * search find exactly what a reference filter here finds; an export of search results downloads a
 * file whose records equal them; produce-again lands a copy; a record a kafkajs idempotent producer
 * sent gzip-compressed over the wire shows its batch in its details (codec gzip, the producer id
 * and epoch InitProducerId gave, sequences, leader epoch); a 100,000-row page loads without a
 * frame longer than 100 ms (the browser's long-task timeline, printed; asserted: chunked requests
 * and a table holding only the rows on screen). Screenshots of latest, the tail, a search with its
 * progress, an export, a record's details and the 100,000-row page go to docs/screenshots/.
 */
import { test, expect, type Page } from '@playwright/test'
import { CompressionTypes, Kafka, logLevel, type ProducerConfig, type ProducerRecord } from 'kafkajs'
import { readFileSync, mkdirSync } from 'node:fs'
import { resolve } from 'node:path'
import { baseUrl, contractRequest, wsUrl } from './serve-process'

const shots = resolve(__dirname, '../../docs/screenshots')
const GEN = 'generated-200k'
const GEN_RECORDS = 200_000
const GEN_PARTITIONS = 4

const text = (s: string | null) => (s === null ? null : Buffer.from(s, 'base64').toString('utf8'))

/** Record i of the generated topic: its value and its trace header, as produce/send's {{i}} template makes them. */
const genValue = (i: number) => `{"id":${i},"kind":"generated","pad":"${'x'.repeat(120)}"}`
const genTrace = (i: number) => `trace-${i}`

async function open(page: Page, hash: string): Promise<void> {
  await page.goto(`${baseUrl()}${hash}`)
  await expect(page.getByTestId('status-connection')).toContainText(/open|connected/i)
}

async function shoot(page: Page, name: string): Promise<void> {
  mkdirSync(shots, { recursive: true })
  await page.screenshot({ path: resolve(shots, `${name}.png`), fullPage: true })
}

/** Opens a naive-ui select by its data-testid and picks the option with exactly this label. */
/**
 * Sends each of `sends` (one producer.send each, acks=-1) to `topic` with a kafkajs producer of
 * `config`, through the listeners global-setup started, then disconnects it.
 */
async function sendWithKafkajs(clientId: string, config: ProducerConfig, topic: string, sends: Omit<ProducerRecord, 'topic' | 'acks'>[]): Promise<void> {
  const bootstrap = process.env.BROKERLAB_BOOTSTRAP
  if (!bootstrap) throw new Error('BROKERLAB_BOOTSTRAP is not set: global-setup did not start the listeners')
  const kafka = new Kafka({ clientId, brokers: bootstrap.split(','), logLevel: logLevel.NOTHING, retry: { retries: 5 } })
  const producer = kafka.producer({ allowAutoTopicCreation: false, ...config })
  await producer.connect()
  try {
    for (const send of sends) await producer.send({ topic, acks: -1, ...send })
  } finally {
    await producer.disconnect()
  }
}

/** Opens the message browser on `topic`, fetches its first page and opens the details of the record at `offset`. */
async function openRecordDetails(page: Page, topic: string, offset: number): Promise<void> {
  await open(page, `#/browser/${topic}`)
  await page.getByTestId('browser-fetch').click()
  const row = page.locator(`[data-testid="browser-row"][data-offset="${offset}"]`)
  await expect(row).toBeVisible()
  await row.getByTestId('browser-row-key').click()
}

async function choose(page: Page, testid: string, label: string): Promise<void> {
  await page.getByTestId(testid).click()
  await page.locator('.n-base-select-option').filter({ hasText: new RegExp(`^\\s*${label}\\s*$`) }).first().click()
}

type BatchView = { producerId: number; producerEpoch: number; baseSequence: number; sequence: number; compression: string; partitionLeaderEpoch: number; baseOffset: number }
type Page0 = {
  records: { partition: number; offset: number; key: string | null; value: string | null; headers: { key: string; value: string | null }[]; batch?: BatchView }[]
  partitions: { partition: number; highWatermark: number }[]
}

test.describe.configure({ mode: 'serial' })

test.describe('the message browser', () => {
  test.beforeAll(async () => {
    test.setTimeout(180_000)
    const topics = (await contractRequest(wsUrl(), 'topic/list', {})) as { name: string }[]
    if (topics.some((t) => t.name === GEN)) return
    await contractRequest(wsUrl(), 'topic/create', { topic: GEN, partitions: GEN_PARTITIONS, replicationFactor: 1 })
    const value = genValue(0).replace('"id":0', '"id":{{i}}')
    await contractRequest(wsUrl(), 'produce/send', {
      topic: GEN,
      acks: 1,
      records: [{ key: 'k{{i}}', value, headers: [{ key: 'trace', value: 'trace-{{i}}' }] }],
      count: GEN_RECORDS
    })
  })

  test('latest shows the newest records of flights, newest first, and says where the page is', async ({ page }) => {
    await open(page, '#/browser/flights')
    await page.getByTestId('browser-fetch').click()
    await expect(page.getByTestId('browser-count-records')).toHaveText('1,000 records')
    const hw = (await contractRequest(wsUrl(), 'offsets/list', { topic: 'flights' })) as { partition: number; highWatermark: number }[]
    // The same page read directly: its records end at each partition's high watermark.
    const direct = (await contractRequest(wsUrl(), 'messages/fetch', { topic: 'flights', partition: null, start: { kind: 'latest' }, limit: 1000 })) as Page0
    for (const p of hw) {
      const mine = direct.records.filter((r) => r.partition === p.partition)
      if (mine.length) expect(mine[mine.length - 1].offset).toBe(p.highWatermark - 1)
    }
    const newest = direct.records[direct.records.length - 1]
    const first = page.getByTestId('browser-row').first()
    await expect(first).toHaveAttribute('data-partition', String(newest.partition))
    await expect(first).toHaveAttribute('data-offset', String(newest.offset))
    await expect(page.getByTestId('browser-next')).toBeDisabled()
    await expect(page.getByTestId('browser-prev')).toBeEnabled()
    await expect(page.getByTestId(`browser-range-${newest.partition}`)).toContainText(`of 0–${(hw.find((p) => p.partition === newest.partition)!.highWatermark - 1).toLocaleString('en-US')}`)
    await shoot(page, 'browser-latest')
    await page.getByTestId('browser-order-oldest').click()
    await expect(page.getByTestId('browser-row').first()).toHaveAttribute('data-offset', String(direct.records[0].offset))
  })

  test('a live tail shows records a second client produces within a second, newest on top', async ({ page }) => {
    await open(page, '#/browser/flights')
    await page.locator('.n-tabs-tab', { hasText: 'Live tail' }).click()
    await page.getByTestId('tail-start').click()
    await expect(page.getByTestId('browser-tail')).toHaveAttribute('data-ready', 'true')
    for (let i = 0; i < 3; i++) {
      const key = `tail-${Date.now()}-${i}`
      await contractRequest(wsUrl(), 'produce/send', { topic: 'flights', acks: 1, records: [{ key, value: `{"origin":"TST","seq":${i}}` }] })
      await expect(page.getByTestId('tail-table').getByTestId('browser-row').first().getByTestId('browser-row-key')).toHaveText(key, { timeout: 1000 })
    }
    await expect(page.getByTestId('tail-count')).toContainText('3 shown')
    await shoot(page, 'browser-tail')
    await page.getByTestId('tail-pause').click()
    await expect(page.getByTestId('tail-state')).toHaveText('paused')
  })

  test('a value search and a header search find exactly the records a reference filter finds; the export of the results equals them', async ({ page }) => {
    await open(page, `#/browser/${GEN}`)
    await page.locator('.n-tabs-tab', { hasText: 'Search' }).click()
    // Value: "id":7777 as text in the JSON value (substring).
    await page.getByTestId('search-value').fill('"id":7777')
    await page.getByTestId('search-start').click()
    await expect(page.getByTestId('search-stop-reason')).toHaveText('scanned the whole range', { timeout: 60_000 })
    const valueRef = Array.from({ length: GEN_RECORDS }, (_, i) => i).filter((i) => genValue(i).includes('"id":7777'))
    await expect(page.getByTestId('search-progress')).toContainText(`${valueRef.length.toLocaleString('en-US')} matches · 200,000 records`)
    await shoot(page, 'browser-search')

    // Header: trace header values matching a regex.
    await page.getByTestId('search-value').fill('')
    await page.getByTestId('search-headerKey').fill('trace')
    await page.getByTestId('search-headerValue').fill('^trace-1999\\d?$')
    await page.getByTestId('search-headerValue-regex').click()
    await page.getByTestId('search-start').click()
    await expect(page.getByTestId('search-stop-reason')).toHaveText('scanned the whole range', { timeout: 60_000 })
    const headerRef = Array.from({ length: GEN_RECORDS }, (_, i) => i).filter((i) => /^trace-1999\d?$/.test(genTrace(i)))
    expect(headerRef.length).toBe(11)
    await expect(page.getByTestId('search-progress')).toContainText(`${headerRef.length} matches`)
    const shownKeys = (await page.getByTestId('search-table').getByTestId('browser-row-key').allInnerTexts()).sort()
    expect(shownKeys).toEqual(headerRef.map((i) => `k${i}`).sort())

    // Export all results as NDJSON: a download whose records are exactly these.
    const downloading = page.waitForEvent('download')
    await page.getByTestId('export-search').click()
    const download = await downloading
    expect(download.suggestedFilename()).toMatch(new RegExp(`^${GEN}-\\d{8}-\\d{6}\\.ndjson$`))
    const file = readFileSync((await download.path()) as string, 'utf8')
    const exported = file.trim().split('\n').map((l) => JSON.parse(l))
    expect(exported.map((r) => r.key).sort()).toEqual(headerRef.map((i) => `k${i}`).sort())
    for (const r of exported) {
      const i = Number(r.key.slice(1))
      expect(r).toMatchObject({ topic: GEN, value: genValue(i), valueEncoding: 'utf8', headers: [{ key: 'trace', value: genTrace(i), valueEncoding: 'utf8' }] })
    }
    await expect(page.getByTestId('export-status')).toContainText('11 records', { timeout: 15_000 })
    await expect(page.getByTestId('export-progress')).toBeVisible()
    await shoot(page, 'browser-export')
  })

  test("a record's details print its offset as the table does, and produce again opens the producer with the record, and sending lands a copy", async ({ page }) => {
    await open(page, `#/browser/${GEN}`)
    await choose(page, 'browser-partition', 'Partition 2')
    await page.getByTestId('browser-fetch').click()
    const row = page.getByTestId('browser-row').first()
    await expect(row).toBeVisible()
    const offset = Number(await row.getAttribute('data-offset'))
    const original = ((await contractRequest(wsUrl(), 'messages/fetch', { topic: GEN, partition: 2, start: { kind: 'offset', offset }, limit: 1 })) as Page0).records[0]
    await row.getByTestId('browser-row-key').click()
    // The drawer prints the offset as the table does, with thousands separators (the newest of 50,000).
    expect(offset).toBeGreaterThanOrEqual(1000)
    const readable = offset.toLocaleString('en-US')
    await expect(page.getByTestId('browser-record').locator('.n-drawer-header')).toContainText(`Partition 2, offset ${readable}`)
    await expect(page.getByTestId('browser-record-offset')).toHaveText(readable)
    await page.getByTestId('record-produce-again').click()
    await expect(page.getByTestId('view-producer')).toBeVisible()
    await expect(page.getByTestId('producer-key')).toHaveValue(text(original.key) as string)
    await expect(page.getByTestId('producer-value')).toHaveValue(text(original.value) as string)
    await expect(page.getByTestId('producer-header-value-0')).toHaveValue(text(original.headers[0].value) as string)
    await page.getByTestId('producer-send').click()
    const landed = page.getByTestId('producer-result-offset').first()
    await expect(landed).toBeVisible()
    expect(await page.getByTestId('producer-result-partition').first().innerText()).toBe('2')
    const copyAt = Number((await landed.innerText()).replace(/,/g, ''))
    const copy = ((await contractRequest(wsUrl(), 'messages/fetch', { topic: GEN, partition: 2, start: { kind: 'offset', offset: copyAt }, limit: 1 })) as Page0).records[0]
    expect(copyAt).toBeGreaterThan(offset)
    expect({ key: copy.key, value: copy.value, headers: copy.headers }).toEqual({ key: original.key, value: original.value, headers: original.headers })
  })

  test("a record a kafkajs idempotent producer sent gzip-compressed shows its batch in its details: codec, producer id and epoch, sequences, leader epoch", async ({ page }) => {
    const topic = 'kafkajs-idempotent-gzip'
    await contractRequest(wsUrl(), 'topic/create', { topic, partitions: 1, replicationFactor: 3 })
    await sendWithKafkajs('e2e-record-details', { idempotent: true, maxInFlightRequests: 1 }, topic, [
      { compression: CompressionTypes.GZIP, messages: [0, 1, 2].map((i) => ({ key: `order-${i}`, value: JSON.stringify({ order: i, item: 'espresso' }) })) },
      { compression: CompressionTypes.GZIP, messages: [3, 4].map((i) => ({ key: `order-${i}`, value: JSON.stringify({ order: i, item: 'flat white' }) })) }
    ])
    const stored = ((await contractRequest(wsUrl(), 'messages/fetch', { topic, partition: 0, start: { kind: 'earliest' }, limit: 10 })) as Page0).records
    expect(stored.length).toBe(5)
    const batch = stored[4].batch!
    expect(batch).toMatchObject({ compression: 'gzip', producerEpoch: 0, baseSequence: 3, sequence: 4, baseOffset: 3 })
    expect(batch.producerId).toBeGreaterThanOrEqual(0)

    await openRecordDetails(page, topic, 4)
    const details = page.getByTestId('browser-record-batch')
    await expect(details).toBeVisible()
    await expect(page.getByTestId('record-batch-compression')).toHaveText('gzip')
    await expect(page.getByTestId('record-batch-producer-id')).toHaveText(String(batch.producerId))
    await expect(page.getByTestId('record-batch-producer-epoch')).toHaveText('0')
    await expect(page.getByTestId('record-batch-base-sequence')).toHaveText('3')
    await expect(page.getByTestId('record-batch-sequence')).toHaveText('4')
    await expect(page.getByTestId('record-batch-leader-epoch')).toHaveText(String(batch.partitionLeaderEpoch))
    await expect(page.getByTestId('record-batch-base-offset')).toHaveText('3')
    await page.getByTestId('browser-record').locator('.n-radio-button', { hasText: 'JSON' }).click()
    await expect(page.getByTestId('browser-record').locator('.n-radio-button--checked')).toHaveText('JSON')
    await page.mouse.move(0, 0)
    await page.waitForTimeout(500) // let the radio buttons' colour transition finish before the picture
    await shoot(page, 'record-details')
  })

  test('a record a kafkajs producer that is not idempotent sent shows no producer and no sequences in its details', async ({ page }) => {
    const topic = 'kafkajs-plain'
    await contractRequest(wsUrl(), 'topic/create', { topic, partitions: 1, replicationFactor: 1 })
    await sendWithKafkajs('e2e-record-plain', { idempotent: false }, topic, [{ messages: [0, 1, 2].map((i) => ({ key: `plain-${i}`, value: `v${i}` })) }])
    const stored = ((await contractRequest(wsUrl(), 'messages/fetch', { topic, partition: 0, start: { kind: 'earliest' }, limit: 10 })) as Page0).records
    expect(stored.length).toBe(3)
    expect(stored[2].batch!.producerId).toBe(-1)

    await openRecordDetails(page, topic, 2)
    await expect(page.getByTestId('browser-record-batch')).toBeVisible()
    await expect(page.getByTestId('record-batch-producer-id')).toHaveText('none')
    await expect(page.getByTestId('record-batch-producer-epoch')).toHaveText('none')
    // Sequences belong to an idempotent producer (KIP-98): without a producer id they are none, whatever the batch holds.
    await expect(page.getByTestId('record-batch-base-sequence')).toHaveText('none')
    await expect(page.getByTestId('record-batch-sequence')).toHaveText('none')
  })

  // The frame budget (no task over 100 ms while the page loads) is measured here with the browser's
  // long-task timeline and printed, not asserted: CI machines are shared and noisy (timings belong in
  // benchmarks: npm run bench:frames). What is asserted is what keeps the frames short: the page
  // arrives as chunked requests, and the table holds only the rows on screen (the store's per-chunk
  // work bounded by the chunk is tests/unit/renderer/stores/messages-page-load.test.ts).
  test('a 100,000-row page loads in chunks of 1,000 records with only the rows on screen in the table, its longest task measured', async ({ page }, testInfo) => {
    await page.addInitScript(() => {
      const w = globalThis as unknown as { __longTasks: number[] }
      w.__longTasks = []
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) w.__longTasks.push(e.duration)
      }).observe({ type: 'longtask' as 'mark', buffered: true }) // 'longtask' is a browser entry type Node's typings lack
    })
    const fetchLimits: number[] = []
    page.on('websocket', (ws) =>
      ws.on('framesent', (f) => {
        const text = typeof f.payload === 'string' ? f.payload : f.payload.toString('utf8')
        if (!text.includes('"messages/fetch"')) return
        const limit = (JSON.parse(text) as { payload?: { limit?: number } }).payload?.limit
        if (typeof limit === 'number') fetchLimits.push(limit)
      })
    )
    await open(page, `#/browser/${GEN}`)
    await choose(page, 'browser-start', 'Earliest')
    await choose(page, 'browser-limit', '100,000 per page')
    await page.waitForTimeout(500) // let the page settle: only tasks during the load count
    await page.evaluate(() => ((globalThis as unknown as { __longTasks: number[] }).__longTasks.length = 0))
    fetchLimits.length = 0
    await page.getByTestId('browser-fetch').click()
    await expect(page.getByTestId('browser-count-records')).toHaveText('100,000 records', { timeout: 60_000 })
    await expect(page.getByTestId('browser-loading')).toHaveCount(0)
    // Oldest first from earliest: the first row is the oldest record; the table renders only a window of rows.
    await expect(page.getByTestId('browser-row').first()).toHaveAttribute('data-offset', '0')
    const rendered = await page.getByTestId('browser-row').count()
    expect(rendered).toBeGreaterThan(0)
    expect(rendered).toBeLessThanOrEqual(100)
    const rowId = async () => {
      const row = page.getByTestId('browser-row').first()
      return `${await row.getAttribute('data-partition')}:${await row.getAttribute('data-offset')}`
    }
    const top = await rowId()
    await page.getByTestId('browser-table').locator('.vt-body').evaluate((el) => el.scrollTo({ top: el.scrollHeight / 2 }))
    // Half way down, other rows are rendered in the window's place.
    await expect(async () => expect(await rowId()).not.toBe(top)).toPass({ timeout: 5000 })
    expect(await page.getByTestId('browser-row').count()).toBeLessThanOrEqual(100)
    await expect(page.getByTestId('browser-count-records')).toHaveText('100,000 records')
    await shoot(page, 'browser-100k')
    expect(fetchLimits.length).toBeGreaterThanOrEqual(100)
    expect(Math.max(...fetchLimits)).toBeLessThanOrEqual(1000)
    const tasks = await page.evaluate(() => (globalThis as unknown as { __longTasks: number[] }).__longTasks)
    const longest = Math.max(0, ...tasks)
    const note = `100,000-row page: ${fetchLimits.length} chunked requests, ${tasks.length} long tasks, longest ${longest.toFixed(0)} ms (budget 100 ms)`
    testInfo.annotations.push({ type: 'measured', description: note })
    console.log(note)
  })
})
