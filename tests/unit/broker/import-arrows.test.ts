/**
 * The engine's import arrows point one way (../shared/design.md, issue 9): the engine never imports
 * the contract (src/shared), storage and metrics import nothing from cluster/, and the model
 * (src/broker/model) is Node-free and self-contained, so the contract and the renderer can import it.
 * Scans the sources' import and export-from statements (static and dynamic).
 */
import fs from 'node:fs'
import { builtinModules } from 'node:module'
import path from 'node:path'
import { describe, expect, it } from 'vitest'

const ROOT = path.resolve(__dirname, '../../..')
const BROKER = path.join(ROOT, 'src/broker')

/** Every .ts file under `dir`. */
function sources(dir: string): string[] {
  const out: string[] = []
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name)
    if (e.isDirectory()) out.push(...sources(p))
    else if (e.name.endsWith('.ts')) out.push(p)
  }
  return out
}

const IMPORT = /(?:^|[\s;])(?:import|export)\s[^'"`;]*?from\s*['"]([^'"]+)['"]|(?:^|[\s;])import\s*['"]([^'"]+)['"]|\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)|\brequire\s*\(\s*['"]([^'"]+)['"]\s*\)/g

/** The module specifiers `file` imports, as written. */
function specifiers(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '')
  return [...text.matchAll(IMPORT)].map((m) => m[1] ?? m[2] ?? m[3] ?? m[4])
}

/** `file`'s imports that resolve under `target` (an absolute directory), as "file -> specifier". */
function importsInto(files: string[], target: string): string[] {
  const out: string[] = []
  for (const f of files)
    for (const s of specifiers(f))
      if (s.startsWith('.') && (path.resolve(path.dirname(f), s) + path.sep).startsWith(target + path.sep))
        out.push(`${path.relative(ROOT, f)} -> ${s}`)
  return out
}

const NODE_BUILTINS = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]))

describe('import arrows of the engine', () => {
  it('finds the imports it scans (the scanner sees static, type-only and re-export imports)', () => {
    const found = specifiers(path.join(BROKER, 'cluster/cluster.ts'))
    expect(found).toContain('node:path')
    expect(found).toContain('./cluster-api')
    expect(specifiers(path.join(BROKER, 'index.ts'))).toContain('./cluster/cluster')
  })

  it('no file under src/broker imports src/shared', () => {
    expect(importsInto(sources(BROKER), path.join(ROOT, 'src/shared'))).toEqual([])
  })

  it('nothing under src/broker/storage or src/broker/metrics imports src/broker/cluster', () => {
    const files = [...sources(path.join(BROKER, 'storage')), ...sources(path.join(BROKER, 'metrics'))]
    expect(importsInto(files, path.join(BROKER, 'cluster'))).toEqual([])
  })

  it('src/broker/model imports no Node module and nothing outside itself', () => {
    const model = path.join(BROKER, 'model')
    const files = sources(model)
    expect(files.map((f) => path.basename(f)).sort()).toEqual(expect.arrayContaining(['acks.ts', 'errors.ts', 'topic-configs.ts', 'topic-name.ts']))
    const offending: string[] = []
    for (const f of files)
      for (const s of specifiers(f)) {
        const outside = s.startsWith('.') && !(path.resolve(path.dirname(f), s) + path.sep).startsWith(model + path.sep)
        if (NODE_BUILTINS.has(s) || s.startsWith('node:') || outside || !s.startsWith('.')) offending.push(`${path.relative(ROOT, f)} -> ${s}`)
      }
    expect(offending).toEqual([])
    // Node-free also means no Node globals.
    // Code only: comments and string literals ('process.roles' is a Kafka config name) do not count.
    const code = (f: string): string =>
      fs
        .readFileSync(f, 'utf8')
        .replace(/\/\*[\s\S]*?\*\//g, '')
        .replace(/^\s*\/\/.*$/gm, '')
        .replace(/'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"|`(?:[^`\\]|\\.)*`/g, "''")
    const globals = files.filter((f) => /\b(Buffer|process|__dirname|require)\b/.test(code(f)))
    expect(globals.map((f) => path.relative(ROOT, f))).toEqual([])
  })
})

describe('import arrows of the CLI', () => {
  const cli = sources(path.join(ROOT, 'src/cli'))

  it('src/cli imports src/host (and the contract), never the engine', () => {
    expect(cli.length).toBeGreaterThan(5)
    expect(importsInto(cli, BROKER)).toEqual([])
    expect(importsInto(cli, path.join(ROOT, 'src/main'))).toEqual([])
  })

  it("src/cli never reaches into an engine service's cluster", () => {
    const reaching = cli.filter((f) => /\.cluster\b/.test(fs.readFileSync(f, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '')))
    expect(reaching.map((f) => path.relative(ROOT, f))).toEqual([])
  })
})
