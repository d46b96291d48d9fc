/**
 * Child-process and worker entry points for tests, bundled once per test process with esbuild (the
 * one tsx itself uses), so each spawned child starts as plain Node: ~0.1 s of CPU instead of the
 * ~1.2 s a `node --import tsx` start costs (tsx's loader and its own esbuild service per child).
 * The crash tests spawn dozens of children, so this is most of their run time.
 *
 * Must stay true: a bundle is built from the current sources at the first use in each test process
 * (never reused from an earlier run, so a test always runs the code under test); it lives under
 * `<repo>/.tmp/test-bundles/` (git-ignored), so code that finds files from its own directory (the
 * mmap addon's nearest package.json, node_modules packages, which stay external) finds the
 * checkout's; concurrent test files building the same entry never see a half-written bundle.
 */
import crypto from 'node:crypto'
import path from 'node:path'
import { threadId } from 'node:worker_threads'
import { buildNodeBundle } from '../../../scripts/node-bundle.mjs'

/** The checkout's root (where package.json is). */
const ROOT = path.resolve(__dirname, '../../..')
const OUT_DIR = path.join(ROOT, '.tmp', 'test-bundles')

const built = new Map<string, string>()

/**
 * The path of a CommonJS bundle of the TypeScript `entry` (absolute path) and everything it imports
 * from the checkout; packages from node_modules stay external (required at run time). Built at the
 * first call for `entry` in this process, then reused. Run it with `node <path>` or as a Worker.
 * @throws Error with esbuild's message when the entry does not compile.
 */
export function bundledEntry(entry: string): string {
  const cached = built.get(entry)
  if (cached) return cached
  const id = crypto.createHash('sha256').update(entry).digest('hex').slice(0, 12)
  const out = path.join(OUT_DIR, `${path.basename(entry, path.extname(entry))}-${id}.cjs`)
  // Atomic, with a temp file unique per test worker (forks or threads): a concurrent file building
  // the same entry replaces it whole.
  buildNodeBundle(entry, out, `${process.pid}-${threadId}`)
  built.set(entry, out)
  return out
}
