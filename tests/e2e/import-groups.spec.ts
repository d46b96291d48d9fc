/**
 * Imports and offset resets in the browser, on a `brokerlab serve` of its own (its own data dir and
 * port): a Parquet file of 300,000 rows this spec writes is imported through the import view with
 * its progress bar (screenshot docs/screenshots/import-parquet.png), every row in the topic, keyed
 * and timestamped by its columns; the reset dialog's preview equals `brokerlab groups
 * --reset-offsets ... --json` without --execute for the same target (chosen partitions, shift by N),
 * shown in docs/screenshots/reset-preview.png, and Execute moves the committed offsets exactly there.
 */
import { test, expect, type Page } from '@playwright/test'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { parquetWriteBuffer } from 'hyparquet-writer'
import { FLIGHTS_2K } from '../fixtures/datasets'
import { cli, contractRequest, freePort, startServe, type ServeProcess } from './serve-process'

const shots = resolve(__dirname, '../../docs/screenshots')
const GROUP = 'reset-dashboard'
const ROWS = 300_000
const ORIGINS = ['DFW', 'ORD', 'ATL', 'LAX', 'SFO', 'JFK', 'DEN', 'SEA']

let dataDir: string
let serve: ServeProcess | null = null
let plan: { partition: number; previousOffset: number; newOffset: number }[] = []

test.beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'brokerlab-e2e-import-groups-'))
  cli(['import', FLIGHTS_2K, '--topic', 'flights', '--key-field', 'origin', '--partitions', '3', '--replication-factor', '1'], dataDir)
  cli(['consume', '--topic', 'flights', '--group', GROUP, '--from-beginning', '--max', '1500'], dataDir)
  // The CLI's dry run, before serve takes the data directory's lock.
  plan = JSON.parse(cli(['groups', '--reset-offsets', '--group', GROUP, '--topic', 'flights:0,2', '--shift-by', '-200', '--json'], dataDir)).plan
  expect(plan.map((r) => r.partition)).toEqual([0, 2])
  serve = await startServe({ dataDir, port: await freePort() })
})

test.afterAll(async () => {
  await serve?.stop()
  rmSync(dataDir, { recursive: true, force: true })
})

async function open(page: Page, hash: string): Promise<void> {
  await page.goto(`${serve!.appUrl}${hash}`)
  await expect(page.getByTestId('status-connection')).toContainText(/open|connected/i)
}

/** Opens the select `testid` and picks the option whose label is exactly `label`. */
async function pick(page: Page, testid: string, label: string): Promise<void> {
  await page.getByTestId(testid).click()
  await page.locator('.n-base-select-option:visible').filter({ hasText: new RegExp(`^\\s*${label}\\s*$`) }).first().click()
}

test('imports a 300,000-row Parquet file through the import view with a live progress bar', async ({ page }) => {
  test.setTimeout(400_000)
  const dir = mkdtempSync(join(tmpdir(), 'brokerlab-e2e-parquet-'))
  try {
    const file = join(dir, 'flights-300k.parquet')
    const start = 978_307_200_000_000n // 2001-01-01T00:00 in µs
    writeFileSync(
      file,
      Buffer.from(
        parquetWriteBuffer({
          columnData: [
            { name: 'date', data: Array.from({ length: ROWS }, (_, i) => start + BigInt(i) * 60_000_000n) },
            { name: 'delay', data: Array.from({ length: ROWS }, (_, i) => BigInt((i % 200) - 20)) },
            { name: 'origin', data: Array.from({ length: ROWS }, (_, i) => ORIGINS[i % ORIGINS.length]) }
          ],
          schema: [
            { name: 'root', num_children: 3 },
            { name: 'date', type: 'INT64', logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: false, unit: 'MICROS' }, repetition_type: 'REQUIRED' },
            { name: 'delay', type: 'INT64', repetition_type: 'REQUIRED' },
            { name: 'origin', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'REQUIRED' }
          ],
          rowGroupSize: 60_000
        })
      )
    )
    await open(page, '#/import')
    await page.getByTestId('import-file').setInputFiles(file)
    await expect(page.getByTestId('import-detected')).toContainText('Parquet')
    await expect(page.getByTestId('import-detected')).toContainText('300,000 records · 3 fields')
    await expect(page.getByTestId('import-preview')).toContainText('{"date":"2001-01-01T00:00:00","delay":-20,"origin":"DFW"}')
    await pick(page, 'import-key-field', 'origin')
    await pick(page, 'import-timestamp-field', 'date')
    await page.getByTestId('import-timestamp-zone').fill('UTC')
    await page.getByTestId('import-topic-new').click()
    await page.getByTestId('import-topic-name').fill('flights-parquet')
    await page.getByTestId('import-partitions').fill('3')
    await page.getByTestId('import-rf').fill('1')
    await page.getByTestId('import-run').click()
    // The bar moves while the rows are produced: take the picture mid-import.
    await expect(page.getByTestId('import-phase')).toHaveText('Importing', { timeout: 240_000 })
    const done = async (): Promise<number> => Number(((await page.getByTestId('import-progress-count').textContent()) ?? '').split('/')[0].replace(/[^0-9]/g, ''))
    await expect.poll(done, { timeout: 120_000, intervals: [100] }).toBeGreaterThanOrEqual(60_000)
    mkdirSync(shots, { recursive: true })
    await page.screenshot({ path: resolve(shots, 'import-parquet.png'), fullPage: true })
    await expect(page.getByTestId('import-result')).toContainText('300,000', { timeout: 300_000 })
    // The form reset: the same file cannot be imported again by a second click.
    await expect(page.getByTestId('import-run')).toBeDisabled()
    await expect(page.getByTestId('import-detected')).toHaveCount(0)
    const offsets = (await contractRequest(serve!.wsUrl, 'offsets/list', { topic: 'flights-parquet' })) as { latest: number }[]
    expect(offsets.reduce((n, o) => n + o.latest, 0)).toBe(ROWS)
    const first = (await contractRequest(serve!.wsUrl, 'messages/fetch', { topic: 'flights-parquet', partition: null, start: { kind: 'earliest' }, limit: 3 })) as {
      records: { timestamp: number; value: string }[]
    }
    for (const r of first.records) {
      const v = JSON.parse(Buffer.from(r.value, 'base64').toString('utf8')) as { date: string }
      expect(r.timestamp).toBe(Date.parse(`${v.date}Z`))
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

test("the reset dialog's preview equals the CLI's dry run, and Execute moves the committed offsets there", async ({ page }) => {
  await open(page, `#/groups/${GROUP}`)
  await expect(page.getByTestId('group-selected')).toHaveText(GROUP)
  await page.getByTestId('groups-reset').click()
  await expect(page.getByTestId('reset-dialog')).toBeVisible()
  await page.getByTestId('reset-scope-chosen').click()
  await page.getByTestId('reset-partitions').click()
  for (const p of ['0', '2']) await page.locator('.n-base-select-option').filter({ hasText: new RegExp(`^\\s*${p}\\s*$`) }).first().click()
  await page.keyboard.press('Escape')
  await page.getByTestId('reset-mode-shift').click()
  await page.getByTestId('reset-shift').fill('-200')
  await page.getByTestId('reset-shift').press('Tab')
  await page.getByTestId('reset-preview-run').click()
  const rows = page.getByTestId('reset-preview-row')
  await expect(rows).toHaveCount(plan.length)
  for (const [i, r] of plan.entries()) {
    await expect(rows.nth(i).getByTestId('reset-preview-partition')).toHaveText(String(r.partition))
    await expect(rows.nth(i).getByTestId('reset-preview-current')).toHaveText(r.previousOffset.toLocaleString('en-US'))
    await expect(rows.nth(i).getByTestId('reset-preview-new')).toHaveText(r.newOffset.toLocaleString('en-US'))
    await expect(rows.nth(i).getByTestId('reset-preview-change')).toHaveText(`re-reads ${(r.previousOffset - r.newOffset).toLocaleString('en-US')}`)
  }
  mkdirSync(shots, { recursive: true })
  await page.getByTestId('reset-dialog').screenshot({ path: resolve(shots, 'reset-preview.png') })
  await page.getByTestId('reset-execute').click()
  await expect(page.getByTestId('reset-dialog')).toHaveCount(0)
  const group = (await contractRequest(serve!.wsUrl, 'group/describe', { groupId: GROUP })) as { rows: { topic: string; partition: number; currentOffset: number }[] }
  const committed = new Map(group.rows.filter((r) => r.topic === 'flights').map((r) => [r.partition, r.currentOffset]))
  for (const r of plan) expect(committed.get(r.partition)).toBe(r.newOffset)
  const describeRows = page.getByTestId('group-describe-row')
  await expect(describeRows.nth(plan[0].partition)).toContainText(plan[0].newOffset.toLocaleString('en-US'))
})
