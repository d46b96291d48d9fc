/**
 * Where the sample datasets (SAMPLE_DATASETS in the contract) are on this host: files of the
 * vega-datasets package, found through Node's module resolution from this module (the checkout's
 * node_modules, whether the code runs from src/ or from the build in out/).
 *
 * Must stay true: nothing here copies or rewrites the data; a missing package is a HostError
 * naming it.
 */
import { createRequire } from 'node:module'
import { statSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { SAMPLE_DATASETS, type SampleDataset } from '../../shared/contract'
import { HostError } from '../host-error'

function moduleDir(): string {
  // CJS (electron-vite's main/worker bundle, tsx) has __dirname; ESM (vitest) has import.meta.url.
  if (typeof __dirname === 'string') return __dirname
  return dirname(fileURLToPath(import.meta.url))
}

/**
 * The path and size of sample `name`.
 * @throws HostError UNKNOWN_SERVER_ERROR when the vega-datasets package is not installed.
 */
export function sampleDatasetFile(name: SampleDataset): { fileName: string; path: string; size: number } {
  const { fileName } = SAMPLE_DATASETS[name]
  try {
    const entry = createRequire(join(moduleDir(), 'index.js')).resolve('vega-datasets')
    const path = join(dirname(entry), '..', 'data', fileName)
    return { fileName, path, size: statSync(path).size }
  } catch (e) {
    throw new HostError('UNKNOWN_SERVER_ERROR', `The sample dataset ${fileName} is not installed (it comes with the vega-datasets package: run npm install): ${(e as Error).message}`)
  }
}
