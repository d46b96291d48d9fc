/**
 * The CLI on a data directory it cannot use: the engine's KAFKA_STORAGE_ERROR reaches the user as
 * `CODE: message` naming the directory (or file) and the reason, with exit code 1, and nothing is
 * created.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { runBrokerlab } from './run-cli'

let root: string

beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'brokerlab-cli-datadir-'))
})

afterEach(() => {
  fs.rmSync(root, { recursive: true, force: true })
})

describe('brokerlab on an unusable data directory', () => {
  it('reports a data directory that is a file as KAFKA_STORAGE_ERROR with the errno text, exit 1', () => {
    const file = path.join(root, 'data')
    fs.writeFileSync(file, 'x')
    const r = runBrokerlab(['topic', 'list', '--data-dir', file])
    expect(r.status).toBe(1)
    expect(r.stdout).toBe('')
    expect(r.stderr).toBe(
      `brokerlab: KAFKA_STORAGE_ERROR: Cannot open the cluster in ${file}: Data directory ${file} is a file, not a directory (EEXIST: file already exists, mkdir '${file}')\n`
    )
    expect(fs.readFileSync(file, 'utf8')).toBe('x')
  })

  it('reports a data directory under a file, exit 1', () => {
    const dir = path.join(root, 'file', 'data')
    fs.writeFileSync(path.join(root, 'file'), '')
    const r = runBrokerlab(['offsets', '--topic', 't', '--data-dir', dir])
    expect(r.status).toBe(1)
    expect(r.stderr).toMatch(/^brokerlab: KAFKA_STORAGE_ERROR: Cannot open the cluster in .*: part of its path is a file \(ENOTDIR: not a directory, mkdir /)
  })

  it('reports a cluster.json holding null, naming the file, exit 1', () => {
    const dir = path.join(root, 'data')
    fs.mkdirSync(dir)
    fs.writeFileSync(path.join(dir, 'cluster.json'), 'null')
    const r = runBrokerlab(['topic', 'list', '--data-dir', dir])
    expect(r.status).toBe(1)
    expect(r.stderr).toContain(`KAFKA_STORAGE_ERROR: Cannot open the cluster in ${dir}: Cluster metadata ${path.join(dir, 'cluster.json')} is malformed: the document: `)
    expect(r.stderr).not.toMatch(/TypeError|Cannot read properties/)
  })
})
