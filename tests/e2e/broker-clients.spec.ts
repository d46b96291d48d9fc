/**
 * Per-broker clients and request rates, and the listener base port, in Chromium (issue 10), against a
 * `brokerlab serve` of its own: while kcat (librdkafka) consumes and a kafkajs producer sends, the
 * brokers table shows a nonzero request rate, and a broker's expanded row lists kcat's client id with
 * the software it announced (librdkafka), kafkajs' client id, requests by API (Fetch, Produce) and
 * errors by code (TOPIC_ALREADY_EXISTS from a kafkajs admin). Then the "Listener base port" field refuses a port below 1024 naming the rule, and applying
 * a free base port moves the listeners: the table shows the new addresses and a client connects
 * there. Screenshot docs/screenshots/broker-clients.png. Every process started is stopped.
 */
import { test, expect } from '@playwright/test'
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import net from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { Kafka, logLevel, type Producer } from 'kafkajs'
import { cli, freePort, startServe } from './serve-process'

const shots = resolve(__dirname, '../../docs/screenshots')
const kcat = spawnSync('sh', ['-c', 'command -v kcat'], { encoding: 'utf8' }).stdout.trim()

function listen(port: number): Promise<net.Server> {
  return new Promise((res, rej) => {
    const s = net.createServer()
    s.once('error', rej)
    s.listen({ host: '127.0.0.1', port, exclusive: true }, () => res(s))
  })
}

/** A base port P >= 1024 with P, P+1, P+2 free just now. */
async function freeBase(): Promise<number> {
  for (let attempt = 0; attempt < 30; attempt++) {
    const held: net.Server[] = []
    try {
      held.push(await listen(0))
      const base = (held[0].address() as net.AddressInfo).port
      if (base < 1024 || base + 2 > 65535) continue
      held.push(await listen(base + 1), await listen(base + 2))
      return base
    } catch {
      /* try others */
    } finally {
      for (const s of held) await new Promise((r) => s.close(r))
    }
  }
  throw new Error('no three consecutive free ports found')
}

test.skip(!kcat, 'kcat is not installed')

test('the brokers view shows connected clients, their software and request rates; the listener base port moves the listeners', async ({ page }) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'brokerlab-e2e-clients-'))
  cli(['topic', 'create', 'clicks', '--partitions', '3', '--replication-factor', '3'], dataDir)
  const serve = await startServe({ dataDir, port: await freePort(), brokerPort: 0 })
  let consumer: ChildProcess | null = null
  let producer: Producer | null = null
  try {
    consumer = spawn(kcat, ['-C', '-b', serve.bootstrap, '-t', 'clicks', '-o', 'beginning', '-X', 'client.id=e2e-kcat-consumer', '-q'], { stdio: 'ignore' })
    const kafka = new Kafka({ clientId: 'e2e-kafkajs-producer', brokers: serve.bootstrap.split(','), logLevel: logLevel.NOTHING, retry: { retries: 3 } })
    producer = kafka.producer({ allowAutoTopicCreation: false })
    await producer.connect()
    for (let i = 0; i < 5; i++) await producer.send({ topic: 'clicks', messages: [{ key: `user-${i}`, value: `click ${i}` }] })
    // an error answered: creating a topic that exists (TOPIC_ALREADY_EXISTS)
    const admin0 = kafka.admin()
    await admin0.connect()
    await admin0.createTopics({ topics: [{ topic: 'clicks', numPartitions: 3, replicationFactor: 3 }] }).catch(() => false)
    await admin0.disconnect()

    await page.goto(`${serve.appUrl}#/cluster`)
    const table = page.getByTestId('broker-table')
    await expect(table).toBeVisible()
    // every broker gets requests (Metadata, Fetch from kcat's partitions' leaders): a nonzero rate
    for (const id of [1, 2, 3]) await expect(page.getByTestId(`broker-clients-summary-${id}`)).not.toContainText(' 0 req/s')
    // expand every broker's row
    for (const cell of await table.locator('.n-data-table-expand-trigger').all()) await cell.click()
    const clients = page.locator('[data-testid^="broker-clients-"]:not([data-testid^="broker-clients-summary"])')
    await expect(clients.filter({ hasText: 'e2e-kcat-consumer' }).first()).toContainText('librdkafka')
    await expect(clients.filter({ hasText: 'e2e-kafkajs-producer' }).first()).toBeVisible()
    await expect(page.locator('[data-testid^="broker-requests-"]').filter({ hasText: 'Fetch' }).first()).toBeVisible()
    await expect(page.locator('[data-testid^="broker-requests-"]').filter({ hasText: 'Produce' }).first()).toBeVisible()
    await expect(page.locator('[data-testid^="broker-errors-"]').filter({ hasText: 'TOPIC_ALREADY_EXISTS' })).toHaveCount(1)
    mkdirSync(shots, { recursive: true })
    await page.waitForTimeout(1200) // let ECharts finish its entry animation before the picture
    await page.getByTestId('broker-activity-1').scrollIntoViewIfNeeded()
    await page.screenshot({ path: resolve(shots, 'broker-clients.png'), fullPage: true })

    // the listener base port: refused below 1024 with the rule, applied live otherwise
    const input = page.getByTestId('listener-port-input').locator('input')
    await input.fill('80')
    await input.blur()
    await expect(page.getByTestId('listener-port')).toContainText('The listener base port must be a whole number from 1024 to 65533')
    await expect(page.getByTestId('listener-port-apply')).toBeDisabled()
    await expect(page.getByTestId('listener-port-note')).toContainText('This run uses free ports')
    const base = await freeBase()
    await input.fill(String(base))
    await input.blur()
    await expect(page.getByTestId('listener-port')).toContainText(`Apply moves the brokers to ${base} to ${base + 2}`)
    await page.getByTestId('listener-port-apply').click()
    await page.getByRole('button', { name: 'Move listeners' }).click()
    for (const p of [base, base + 1, base + 2]) await expect(table).toContainText(`127.0.0.1:${p}`)
    await expect(page.getByTestId('connect-bootstrap')).toHaveText(`127.0.0.1:${base},127.0.0.1:${base + 1},127.0.0.1:${base + 2}`)
    const admin = new Kafka({ clientId: 'e2e-after-move', brokers: [`127.0.0.1:${base}`], logLevel: logLevel.NOTHING, retry: { retries: 3 } }).admin()
    await admin.connect()
    expect(await admin.listTopics()).toContain('clicks')
    await admin.disconnect()
  } finally {
    await producer?.disconnect().catch(() => {})
    consumer?.kill('SIGKILL')
    await serve.stop()
    rmSync(dataDir, { recursive: true, force: true })
  }
})
