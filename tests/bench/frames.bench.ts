/**
 * The message browser's frame benchmark (`npm run bench:frames`): a 100,000-record topic (4
 * partitions, replication factor 1, values of ~150 bytes and one header, as the e2e
 * run's generated topic) on a temporary data dir, served in browser mode (`brokerlab serve`, the
 * built app: run `npm run build` first), and a 100,000-row page (Earliest, "100,000 per page",
 * Fetch) loaded in Debian's Chromium BENCH_RUNS times (default 3), driven through the UI as a user
 * does. Measured per load, in the page: the longest task and the number of tasks over 50 ms (the
 * browser's long-task timeline, PerformanceObserver 'longtask'), and the load time (from the click
 * on Fetch to the first frame showing "100,000 records" with the loading indicator gone). Prints a
 * table and writes it to its own section of docs/benchmarks.md (writeBenchmarksSection, between the
 * frames-bench markers), with the machine and the load average. Not a test: nothing here asserts.
 *
 * Before / after: when BENCH_BASELINE_DIR names another built checkout (e.g. a git worktree of main
 * at the commit before, with `npm run build` run in it), its `serve` (started through its own
 * tests/e2e/serve-process.ts) serves the same data dir too, alternating with this code's in the
 * same run (BENCH_BASELINE_LABEL names it). BENCH_PROFILE=FILE writes a CPU profile (.cpuprofile,
 * Chrome DevTools' format) of this code's first load, BENCH_TRACE=FILE a performance trace of it
 * (Chromium's devtools.timeline categories: tasks, style, layout, paint; open it in DevTools). Every serve and the browser are stopped and
 * the data dir removed at the end.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { chromium, type Browser, type Page } from '@playwright/test'
import { ROOT, contractRequest, freePort, startServe, type ServeProcess } from '../e2e/serve-process'
import { writeBenchmarksSection } from './benchmarks-doc'
import { machineInfo, median } from './machine'

const RUNS = Number(process.env.BENCH_RUNS ?? '3')
const RECORDS = 100_000
const PARTITIONS = 4
const TOPIC = 'frames-100k'
const BASELINE = process.env.BENCH_BASELINE_DIR ? resolve(process.env.BENCH_BASELINE_DIR) : null
const BASELINE_LABEL = process.env.BENCH_BASELINE_LABEL ?? 'baseline'
const PROFILE = process.env.BENCH_PROFILE ? resolve(process.env.BENCH_PROFILE) : null
const TRACE = process.env.BENCH_TRACE ? resolve(process.env.BENCH_TRACE) : null
const START = '<!-- frames-bench:start -->'
const END = '<!-- frames-bench:end -->'

const log = (s: string) => process.stdout.write(`${s}\n`)

/** One load of the 100,000-row page. */
interface Load {
  /** The longest task while it loaded, ms (0 when none reached the 50 ms long-task threshold). */
  longestMs: number
  /** Tasks over 50 ms. */
  longTasks: number
  /** Click on Fetch to the frame showing the whole page, ms. */
  loadMs: number
}

/** A checkout whose `serve` serves the page. */
interface Checkout {
  label: string
  start: typeof startServe
  loads: Load[]
}

/** Opens a naive-ui select by its data-testid and picks the option with exactly this label (as the e2e specs do). */
async function choose(page: Page, testid: string, label: string): Promise<void> {
  await page.getByTestId(testid).click()
  await page.locator('.n-base-select-option').filter({ hasText: new RegExp(`^\\s*${label}\\s*$`) }).first().click()
}

/**
 * Run in the page (as text: tsx's helpers do not exist there): clicks Fetch and watches every frame
 * until the whole page shows; resolves with the load time on the page's own clock, ms.
 */
const LOAD_SCRIPT = `new Promise((res, rej) => {
  globalThis.__longTasks.length = 0
  const t0 = performance.now()
  document.querySelector('[data-testid="browser-fetch"]').click()
  const frame = () => {
    const count = document.querySelector('[data-testid="browser-count-records"]')?.textContent ?? ''
    if (count.startsWith('100,000 records') && !document.querySelector('[data-testid="browser-loading"]')) res(performance.now() - t0)
    else if (performance.now() > t0 + 120000) rej(new Error('the page did not load within 120 s (shows "' + count + '")'))
    else requestAnimationFrame(frame)
  }
  requestAnimationFrame(frame)
})`

/** Run in every page before its scripts: records the duration of each long task in globalThis.__longTasks. */
const LONG_TASKS_SCRIPT = `globalThis.__longTasks = []
new PerformanceObserver((list) => { for (const e of list.getEntries()) globalThis.__longTasks.push(e.duration) }).observe({ type: 'longtask', buffered: true })`

/** Loads the page once in a fresh browser page against `serve`; profiles it into PROFILE when asked. */
async function loadOnce(browser: Browser, serve: ServeProcess, profile: string | null, trace: string | null): Promise<Load> {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } })
  try {
    await page.addInitScript(LONG_TASKS_SCRIPT)
    await page.goto(`${serve.appUrl}#/browser/${TOPIC}`)
    await page.getByTestId('status-connection').filter({ hasText: /open|connected/i }).waitFor({ timeout: 30_000 })
    await choose(page, 'browser-start', 'Earliest')
    await choose(page, 'browser-limit', '100,000 per page')
    await page.waitForTimeout(1000) // let the page settle: only tasks during the load count
    const cdp = profile ? await page.context().newCDPSession(page) : null
    if (cdp) {
      await cdp.send('Profiler.enable')
      await cdp.send('Profiler.setSamplingInterval', { interval: 200 })
      await cdp.send('Profiler.start')
    }
    if (trace) await browser.startTracing(page, { path: trace, categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8.execute'] })
    // Clicks Fetch and watches every frame until the whole page shows: the load time is the page's own clock.
    const loadMs = (await page.evaluate(LOAD_SCRIPT)) as number
    await page.waitForTimeout(300) // a long task is reported after it ends
    if (trace) {
      await browser.stopTracing()
      log(`trace written to ${trace}`)
    }
    if (cdp && profile) {
      const { profile: p } = await cdp.send('Profiler.stop')
      writeFileSync(profile, JSON.stringify(p))
      log(`CPU profile written to ${profile}`)
    }
    const tasks = (await page.evaluate('globalThis.__longTasks')) as number[]
    return { longestMs: Math.max(0, ...tasks), longTasks: tasks.length, loadMs }
  } finally {
    await page.close()
  }
}

/** Produces the topic's records through the running host (produce/send's {{i}} template). */
async function seed(serve: ServeProcess): Promise<void> {
  await contractRequest(serve.wsUrl, 'topic/create', { topic: TOPIC, partitions: PARTITIONS, replicationFactor: 1 })
  const value = `{"id":{{i}},"kind":"generated","pad":"${'x'.repeat(120)}"}`
  await contractRequest(serve.wsUrl, 'produce/send', { topic: TOPIC, acks: 1, records: [{ key: 'k{{i}}', value, headers: [{ key: 'trace', value: 'trace-{{i}}' }] }], count: RECORDS })
}

function render(checkouts: Checkout[], load: [number, number]): string {
  const m = machineInfo()
  const ms = (n: number) => Math.round(n).toLocaleString('en-US')
  const row = (c: Checkout) => {
    const l = c.loads
    return `| ${c.label} | ${l.map((x) => ms(x.longestMs)).join(', ')} | ${ms(Math.max(...l.map((x) => x.longestMs)))} | ${l.map((x) => x.longTasks).join(', ')} | ${l.map((x) => ms(x.loadMs)).join(', ')} | ${ms(median(l.map((x) => x.loadMs)))} |`
  }
  return [
    START,
    '## Message browser frames (a 100,000-row page)',
    '',
    `Written by \`npm run bench:frames\` (tests/bench/frames.bench.ts) on ${new Date().toISOString().slice(0, 10)} (${new Date().toISOString()})${checkouts.length > 1 ? `: this code next to ${BASELINE_LABEL}, loads alternating (${BASELINE_LABEL} first) on the same data dir in the same run` : ''}.`,
    '',
    '| CPU | Cores | Memory | Node | Platform |',
    '| --- | --- | --- | --- | --- |',
    `| ${m.cpu} | ${m.cores} | ${m.memoryGiB} GiB | ${m.node} | ${m.platform} |`,
    '',
    `1-minute load average: ${load[0].toFixed(1)} at the start, ${load[1].toFixed(1)} at the end (the machine is shared with other work, so these are pessimistic).`,
    '',
    `The page: ${RECORDS.toLocaleString('en-US')} records of a ${PARTITIONS}-partition topic (replication factor 1, on the cluster \`serve\` starts by default; values of ~150 bytes and one header), Earliest, "100,000 per page", Fetch, in Debian's Chromium (headless, --disable-gpu, 1440x900), browser mode on 127.0.0.1; ${RUNS} loads per checkout, each in a fresh page. The frame budget of issue 8 is no task over 100 ms.`,
    '',
    '| Code | Longest task per load (ms) | Longest (ms) | Tasks over 50 ms per load | Load time per load (ms) | Load time, median (ms) |',
    '| --- | --- | --- | --- | --- | --- |',
    ...checkouts.map(row),
    '',
    '- A task is the browser\'s long-task entry (PerformanceObserver \'longtask\'): only tasks of 50 ms or more are reported, so 0 means none reached 50 ms.',
    '- The load time runs from the click on Fetch to the first animation frame that shows "100,000 records" with the loading indicator gone (the page arrives as',
    '  100 messages/fetch requests of 1,000 records over the WebSocket, rows shown as they arrive).',
    END
  ].join('\n')
}

async function main(): Promise<void> {
  const load0 = loadavg()[0]
  const checkouts: Checkout[] = []
  if (BASELINE) {
    const mod = (await import(pathToFileURL(join(BASELINE, 'tests/e2e/serve-process.ts')).href)) as { startServe: typeof startServe }
    checkouts.push({ label: BASELINE_LABEL, start: mod.startServe, loads: [] })
  }
  checkouts.push({ label: 'this code', start: startServe, loads: [] })
  const dataDir = mkdtempSync(join(tmpdir(), 'brokerlab-frames-bench-'))
  let browser: Browser | null = null
  let serve: ServeProcess | null = null
  try {
    serve = await startServe({ dataDir, port: await freePort() })
    const t0 = Date.now()
    await seed(serve)
    log(`produced ${RECORDS.toLocaleString('en-US')} records in ${((Date.now() - t0) / 1000).toFixed(1)} s (${ROOT})`)
    await serve.stop()
    serve = null
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-dev-shm-usage']
    })
    for (let run = 0; run < RUNS; run++) {
      for (const c of checkouts) {
        serve = await c.start({ dataDir, port: await freePort() })
        const l = await loadOnce(browser, serve, run === 0 && c.start === startServe ? PROFILE : null, run === 0 && c.start === startServe ? TRACE : null)
        await serve.stop()
        serve = null
        c.loads.push(l)
        log(`${c.label}, load ${run + 1}: longest task ${l.longestMs.toFixed(0)} ms, ${l.longTasks} tasks over 50 ms, loaded in ${l.loadMs.toFixed(0)} ms (load average ${loadavg()[0].toFixed(1)})`)
      }
    }
    const md = render(checkouts, [load0, loadavg()[0]])
    log('\n' + md)
    const docs = join(ROOT, 'docs', 'benchmarks.md')
    writeBenchmarksSection(docs, START, END, md)
    log(`written to ${docs}`)
  } finally {
    await serve?.stop().catch(() => undefined)
    await browser?.close().catch(() => undefined)
    rmSync(dataDir, { recursive: true, force: true })
  }
}

void main().catch((e) => {
  process.stderr.write(`${(e as Error).stack ?? e}\n`)
  process.exitCode = 1
})
