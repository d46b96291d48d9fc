/**
 * Every cluster event kind has words: the kinds are read from the sources' type unions (the
 * contract's ClusterEventView['kind'] and the engine's ClusterEventKind), so that a kind added there
 * without a phrase in the renderer's one phrase table (src/renderer/src/utils/event-kind-words.ts)
 * fails here, and the two unions must name the same kinds.
 */
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'
import type { ClusterEventView } from '../../../src/shared/contract'
import { EVENT_KIND_WORDS } from '../../../src/renderer/src/utils/event-kind-words'

const root = resolve(__dirname, '../../..')

/** The string literals of a union type node. */
function literals(node: ts.TypeNode | undefined): string[] {
  if (!node || !ts.isUnionTypeNode(node)) throw new Error('expected a union of string literals')
  return node.types.map((t) => {
    if (!ts.isLiteralTypeNode(t) || !ts.isStringLiteral(t.literal)) throw new Error(`not a string literal: ${t.getText()}`)
    return t.literal.text
  })
}

/** Parses `file` (relative to the repo) and hands `find` each top-level statement until it returns a union. */
function unionIn(file: string, find: (s: ts.Statement) => ts.TypeNode | undefined): string[] {
  const src = ts.createSourceFile(file, readFileSync(resolve(root, file), 'utf8'), ts.ScriptTarget.Latest, true)
  for (const s of src.statements) {
    const node = find(s)
    if (node) return literals(node)
  }
  throw new Error(`no such declaration in ${file}`)
}

const contractKinds = unionIn('src/shared/contract.ts', (s) => {
  if (!ts.isInterfaceDeclaration(s) || s.name.text !== 'ClusterEventView') return undefined
  const kind = s.members.find((m): m is ts.PropertySignature => ts.isPropertySignature(m) && m.name.getText() === 'kind')
  return kind?.type
})
const engineKinds = unionIn('src/broker/cluster/cluster-events.ts', (s) => (ts.isTypeAliasDeclaration(s) && s.name.text === 'ClusterEventKind' ? s.type : undefined))

describe('cluster event kinds in words', () => {
  it('has a phrase for one and for several for every event kind of the contract and of the engine', () => {
    expect(contractKinds.length).toBeGreaterThan(30)
    expect(new Set(engineKinds)).toEqual(new Set(contractKinds))
    const missing = contractKinds.filter((k) => !EVENT_KIND_WORDS[k as ClusterEventView['kind']]?.one || !EVENT_KIND_WORDS[k as ClusterEventView['kind']]?.many)
    expect(missing).toEqual([])
    expect(Object.keys(EVENT_KIND_WORDS).sort()).toEqual([...contractKinds].sort())
  })

})
