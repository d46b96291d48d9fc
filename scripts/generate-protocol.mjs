#!/usr/bin/env node
/**
 * Generates the wire protocol's message codecs from Apache Kafka's message specs.
 *
 * Reads `../shared/kafka-protocol/messages/*.json` (JSON with // comments; the format is described
 * in the README.md there; Apache License 2.0, see the NOTICE next to it) and writes, under
 * `src/broker/protocol/messages/`, one TypeScript file per message (`api-versions-request.ts`:
 * types, defaults, `encodeX` / `decodeX` / `writeX` / `readX` for every valid version), an
 * `index.ts` registry of the APIs (key, name, valid and flexible versions, codecs of the
 * request/response pair) and copies of the specs' NOTICE and LICENSE.
 *
 * Usage: node scripts/generate-protocol.mjs [--specs DIR] [--out DIR]
 *
 * Must stay true: the output depends only on the specs (no dates, no paths), so a test can
 * regenerate into a temporary directory and compare with the committed files. Plain Node, no deps.
 *
 * Mapping (org.apache.kafka.message.MessageDataGenerator is the reference):
 * - int8/int16/int32/uint16/uint32/float64 -> number; int64 -> bigint (every int64, so offsets and
 *   timestamps are exact over the whole range); bool -> boolean; string -> string; uuid -> string
 *   (Kafka's Uuid.toString: 22 base64url characters); bytes / records -> Buffer (a view into the
 *   input when decoded); arrays -> T[]; structs -> interfaces; nullable versions add `| null`.
 * - Fields are camelCase of the spec's names (ErrorCode -> errorCode).
 * - A field absent from a version is decoded as its default; encoding it with a non-default value
 *   throws UnsupportedVersionError unless it is `ignorable`, as Kafka's generated code does.
 * - Flexible versions (KIP-482): compact strings / bytes / arrays (unsigned varint length + 1) and a
 *   tagged-field section after each struct; tagged fields are written only when not default.
 *   A field's own `"flexibleVersions": "none"` (RequestHeader.ClientId) keeps the classic encoding.
 * - Nullable structs (KIP-893) carry a presence byte (-1 null, 1 present).
 */
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { stripComments } from './spec-json.mjs'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')

function args() {
  const a = process.argv.slice(2)
  const o = { specs: path.resolve(ROOT, '../shared/kafka-protocol/messages'), out: path.join(ROOT, 'src/broker/protocol/messages') }
  for (let i = 0; i < a.length; i++) {
    if (a[i] === '--specs') o.specs = path.resolve(a[++i])
    else if (a[i] === '--out') o.out = path.resolve(a[++i])
    else throw new Error(`unknown argument ${a[i]} (usage: generate-protocol.mjs [--specs DIR] [--out DIR])`)
  }
  return o
}

/** A version range "0+", "1-3", "3" or "none" as {min, max} (max Infinity; null for none). */
function parseVersions(s, what) {
  if (s === undefined) return null
  s = String(s).trim()
  if (s === 'none') return null
  let m = /^(\d+)\+$/.exec(s)
  if (m) return { min: Number(m[1]), max: Infinity }
  m = /^(\d+)-(\d+)$/.exec(s)
  if (m) return { min: Number(m[1]), max: Number(m[2]) }
  m = /^(\d+)$/.exec(s)
  if (m) return { min: Number(m[1]), max: Number(m[1]) }
  throw new Error(`${what}: bad version range ${JSON.stringify(s)}`)
}

/** Intersection of two ranges (null if empty). */
function intersect(a, b) {
  if (!a || !b) return null
  const min = Math.max(a.min, b.min)
  const max = Math.min(a.max, b.max)
  return min <= max ? { min, max } : null
}

/**
 * The TS condition "version is in range r", knowing version is within `valid`: true / false
 * when it always / never holds.
 */
function cond(r, valid, v = 'version') {
  const i = intersect(r, valid)
  if (!i) return 'false'
  const lo = i.min > valid.min
  const hi = i.max < valid.max
  if (!lo && !hi) return 'true'
  if (lo && hi) return i.min === i.max ? `${v} === ${i.min}` : `(${v} >= ${i.min} && ${v} <= ${i.max})`
  return lo ? `${v} >= ${i.min}` : `${v} <= ${i.max}`
}

function rangeText(r) {
  if (!r) return 'none'
  if (r.max === Infinity) return `${r.min}+`
  return r.min === r.max ? `${r.min}` : `${r.min}-${r.max}`
}

const PRIMS = new Set(['bool', 'int8', 'int16', 'uint16', 'int32', 'uint32', 'int64', 'float64', 'string', 'uuid', 'bytes', 'records'])
const ZERO_UUID = 'AAAAAAAAAAAAAAAAAAAAAA'

/** ApiVersionsRequest -> api-versions-request */
function kebab(name) {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/([A-Z]{2,})([A-Z][a-z])/g, '$1-$2')
    .toLowerCase()
}

function camel(name) {
  return name[0].toLowerCase() + name.slice(1)
}

function tsType(t) {
  switch (t) {
    case 'bool':
      return 'boolean'
    case 'int8':
    case 'int16':
    case 'uint16':
    case 'int32':
    case 'uint32':
    case 'float64':
      return 'number'
    case 'int64':
      return 'bigint'
    case 'string':
    case 'uuid':
      return 'string'
    case 'bytes':
    case 'records':
      return 'Buffer'
  }
  throw new Error(`not a primitive: ${t}`)
}

function docComment(lines, indent = '') {
  const text = lines.filter(Boolean).join(' ').replace(/\*\//g, '*\\/')
  return `${indent}/** ${text} */`
}

/** Generates one message file. */
class MessageGen {
  constructor(spec, file) {
    this.spec = spec
    this.file = file
    this.name = spec.name
    this.valid = parseVersions(spec.validVersions, `${spec.name}.validVersions`)
    this.flexible = parseVersions(spec.flexibleVersions, `${spec.name}.flexibleVersions`)
    this.structs = new Map() // struct spec name -> { tsName, fields, versions }
    this.common = new Map()
    for (const c of spec.commonStructs ?? []) this.common.set(c.name, c)
    this.order = []
    this.registerStruct(this.name, spec.fields, this.valid, true)
  }

  tsNameOf(structName, top) {
    if (top) return this.name
    return structName.startsWith(this.name) ? structName : this.name + structName
  }

  registerStruct(structName, fields, versions, top = false) {
    const tsName = this.tsNameOf(structName, top)
    if (this.structs.has(structName)) {
      if (fields !== this.structs.get(structName).raw) throw new Error(`${this.name}: struct ${structName} defined twice`)
      return this.structs.get(structName)
    }
    for (const s of this.structs.values()) if (s.tsName === tsName) throw new Error(`${this.name}: two structs named ${tsName}`)
    const st = { name: structName, tsName, fields: [], raw: fields, versions, top }
    this.structs.set(structName, st)
    this.order.push(st)
    for (const f of fields) st.fields.push(this.field(f, st))
    const tags = new Set()
    for (const f of st.fields) {
      if (f.tag === undefined) continue
      if (tags.has(f.tag)) throw new Error(`${this.name}.${structName}: tag ${f.tag} used twice`)
      tags.add(f.tag)
    }
    return st
  }

  field(f, st) {
    const where = `${this.name}.${st.top ? '' : st.name + '.'}${f.name}`
    const versions = parseVersions(f.versions, `${where}.versions`)
    let type = f.type
    let array = false
    if (type.startsWith('[]')) {
      array = true
      type = type.slice(2)
    }
    let struct = null
    if (!PRIMS.has(type)) {
      const def = f.fields ? f.fields : this.common.get(type)?.fields
      if (!def) throw new Error(`${where}: struct type ${type} has no fields and is not a common struct`)
      struct = this.registerStruct(type, def, versions ?? this.valid)
    } else if (f.fields) throw new Error(`${where}: primitive type ${f.type} with fields`)
    const out = {
      name: f.name,
      prop: camel(f.name),
      where,
      about: f.about,
      versions,
      nullable: parseVersions(f.nullableVersions, `${where}.nullableVersions`),
      tagged: parseVersions(f.taggedVersions, `${where}.taggedVersions`),
      tag: f.tag,
      ignorable: !!f.ignorable,
      classicOnly: f.flexibleVersions !== undefined && parseVersions(f.flexibleVersions, where) === null,
      type,
      array,
      struct,
      rawDefault: f.default
    }
    if ((out.tag === undefined) !== (out.tagged === null)) throw new Error(`${where}: tag and taggedVersions go together`)
    if (out.nullable && !array && ['bool', 'int8', 'int16', 'uint16', 'int32', 'uint32', 'int64', 'float64'].includes(type)) {
      throw new Error(`${where}: ${type} cannot be nullable`)
    }
    out.defaultExpr = this.defaultExpr(out)
    return out
  }

  /** The TS expression of a field's default value. */
  defaultExpr(f) {
    const d = f.rawDefault
    const isNullDefault = d === 'null'
    if (isNullDefault && !f.nullable) throw new Error(`${f.where}: default null on a field that is not nullable`)
    if (f.array) {
      if (d !== undefined && !isNullDefault && d !== '') throw new Error(`${f.where}: arrays take no default`)
      return isNullDefault ? 'null' : '[]'
    }
    if (f.struct) return isNullDefault ? 'null' : `default${f.struct.tsName}()`
    switch (f.type) {
      case 'bool':
        if (d === undefined) return 'false'
        if (d === true || d === 'true') return 'true'
        if (d === false || d === 'false') return 'false'
        throw new Error(`${f.where}: bad bool default ${d}`)
      case 'int8':
      case 'int16':
      case 'uint16':
      case 'int32':
      case 'uint32':
      case 'int64': {
        if (d === undefined || d === '') return f.type === 'int64' ? '0n' : '0'
        const s = String(d).trim()
        const n = /^-?0x/i.test(s) ? BigInt(s.replace(/^-/, '')) * (s.startsWith('-') ? -1n : 1n) : BigInt(s)
        const lim = { int8: [-128n, 127n], int16: [-32768n, 32767n], uint16: [0n, 65535n], int32: [-(2n ** 31n), 2n ** 31n - 1n], uint32: [0n, 2n ** 32n - 1n], int64: [-(2n ** 63n), 2n ** 63n - 1n] }[f.type]
        if (n < lim[0] || n > lim[1]) throw new Error(`${f.where}: default ${d} out of range for ${f.type}`)
        return f.type === 'int64' ? `${n}n` : `${n}`
      }
      case 'float64':
        if (d === undefined || d === '') return '0'
        if (!Number.isFinite(Number(d))) throw new Error(`${f.where}: bad float64 default ${d}`)
        return String(Number(d))
      case 'string':
        if (isNullDefault) return 'null'
        return JSON.stringify(d === undefined ? '' : String(d))
      case 'uuid':
        if (isNullDefault) return 'null'
        if (d !== undefined && d !== '') throw new Error(`${f.where}: uuid defaults are not supported`)
        return JSON.stringify(ZERO_UUID)
      case 'bytes':
        if (d !== undefined && !isNullDefault) throw new Error(`${f.where}: bytes take no default`)
        return isNullDefault ? 'null' : 'Buffer.alloc(0)'
      case 'records':
        return 'null'
    }
    throw new Error(`${f.where}: no default for ${f.type}`)
  }

  /** The TS type of a field's value (with null where some version is nullable). */
  fieldType(f) {
    const base = f.struct ? f.struct.tsName : tsType(f.type)
    let t = f.array ? `${base}[]` : base
    if (f.nullable || f.type === 'records' || f.defaultExpr === 'null') t += ' | null'
    return t
  }

  /** TS expression: `x` equals the field's default. */
  isDefault(f, x) {
    if (f.defaultExpr === 'null') return `${x} === null`
    if (f.array) return `${x} !== null && ${x}.length === 0`
    if (f.struct) return `${x} !== null && isDefault${f.struct.tsName}(${x})`
    if (f.type === 'bytes') return `${x} !== null && ${x}.length === 0`
    return `${x} === ${f.defaultExpr}`
  }

  /** Statements writing value `x` of one element of primitive type `type` (compact: JS expr). */
  writePrim(type, x, compact, nullable, where) {
    switch (type) {
      case 'bool':
        return `w.bool(${x})`
      case 'int8':
        return `w.int8(checkInt(${x}, -128, 127, '${where}'))`
      case 'int16':
        return `w.int16(checkInt(${x}, -32768, 32767, '${where}'))`
      case 'uint16':
        return `w.uint16(checkInt(${x}, 0, 65535, '${where}'))`
      case 'int32':
        return `w.int32(checkInt(${x}, -2147483648, 2147483647, '${where}'))`
      case 'uint32':
        return `w.uint32(checkInt(${x}, 0, 4294967295, '${where}'))`
      case 'int64':
        return `w.int64n(checkInt64(${x}, '${where}'))`
      case 'float64':
        return `w.float64(${x})`
      case 'uuid':
        return `w.uuid(${x}, '${where}')`
      case 'string':
        return `writeString(w, ${x}, ${compact}, ${nullable}, '${where}')`
      case 'bytes':
      case 'records':
        return `writeBytes(w, ${x}, ${compact}, ${nullable}, '${where}')`
    }
    throw new Error(type)
  }

  readPrim(type, compact, nullable, where, R = 'r') {
    switch (type) {
      case 'bool':
        return `${R}.bool('${where}')`
      case 'int8':
      case 'int16':
      case 'uint16':
      case 'int32':
      case 'uint32':
      case 'float64':
      case 'uuid':
        return `${R}.${type}('${where}')`
      case 'int64':
        return `${R}.int64n('${where}')`
      case 'string':
        return `readString(${R}, ${compact}, ${nullable}, '${where}')${nullable === 'false' ? '!' : ''}`
      case 'bytes':
      case 'records':
        return `readBytes(${R}, ${compact}, ${nullable}, '${where}')${nullable === 'false' ? '!' : ''}`
    }
    throw new Error(type)
  }

  /** Statements writing field f's value `x` (already defaulted) in version `version`. */
  writeValue(f, x, st, indent) {
    const compact = f.classicOnly ? 'false' : 'flexible'
    const nullable = f.nullable ? cond(f.nullable, this.valid) : 'false'
    const where = f.where
    if (f.array) {
      const elem = f.struct
        ? `(w, e) => write${f.struct.tsName}(w, e, version)`
        : `(w, e) => ${this.writePrim(f.type, 'e', compact, 'false', where + '[]')}`
      return `${indent}writeArray(w, ${x}, ${compact}, ${nullable}, '${where}', ${elem})\n`
    }
    if (f.struct) {
      if (f.nullable) {
        return (
          `${indent}if (${x} === null) {\n` +
          `${indent}  if (!(${nullable})) throw new RangeError('non-nullable field ${where} was serialized as null')\n` +
          `${indent}  w.int8(-1)\n` +
          `${indent}} else {\n` +
          `${indent}  if (${nullable}) w.int8(1)\n` +
          `${indent}  write${f.struct.tsName}(w, ${x}, version)\n` +
          `${indent}}\n`
        )
      }
      return `${indent}write${f.struct.tsName}(w, ${x}, version)\n`
    }
    return `${indent}${this.writePrim(f.type, x, compact, nullable, where)}\n`
  }

  readValue(f, indent, target, R = 'r') {
    const compact = f.classicOnly ? 'false' : 'flexible'
    const nullable = f.nullable ? cond(f.nullable, this.valid) : 'false'
    const where = f.where
    if (f.array) {
      const elem = f.struct ? `(r) => read${f.struct.tsName}(r, version)` : `(r) => ${this.readPrim(f.type, compact, 'false', where + '[]')}`
      return `${indent}${target} = readArray(${R}, ${compact}, ${nullable}, '${where}', ${elem})${nullable === 'false' ? '!' : ''}\n`
    }
    if (f.struct) {
      if (f.nullable) {
        return `${indent}${target} = !(${nullable}) || readStructPresence(${R}, '${where}') ? read${f.struct.tsName}(${R}, version) : null\n`
      }
      return `${indent}${target} = read${f.struct.tsName}(${R}, version)\n`
    }
    return `${indent}${target} = ${this.readPrim(f.type, compact, nullable, where, R)}\n`
  }

  /** The versions in which f is a tagged field (its taggedVersions within its versions and the flexible ones). */
  taggedRange(f) {
    if (f.tag === undefined) return null
    if (f.tagged.max !== Infinity) throw new Error(`${f.where}: taggedVersions must be open-ended`)
    return intersect(intersect(f.tagged, this.flexible), f.versions)
  }

  /** The versions in which f is a regular (positional) field. */
  regularRange(f) {
    const t = this.taggedRange(f)
    if (!t) return f.versions
    return intersect(f.versions, { min: 0, max: t.min - 1 })
  }

  /** A function's text, adding `void p` for each parameter its body does not use (noUnusedParameters). */
  fn(signature, params, body) {
    const unused = params.filter((p) => !new RegExp(`(?<![.\\w])${p}\\b`).test(body))
    return `${signature} {\n${unused.map((p) => `  void ${p}\n`).join('')}${body}}\n\n`
  }

  genStruct(st) {
    // The versions in which this struct is read or written: its one inline field's versions; a
    // common struct (possibly used by several fields) or the message itself: all valid versions.
    const valid = st.top || this.common.has(st.name) ? this.valid : intersect(st.versions, this.valid) ?? this.valid
    const T = st.tsName
    let o = ''
    o += `/** ${st.top ? `${this.name} (${this.spec.type ?? 'data'}${this.spec.apiKey !== undefined ? `, api key ${this.spec.apiKey}` : ''}), valid versions ${rangeText(valid)}, flexible ${rangeText(this.flexible)}.` : `${this.name} struct ${st.name} (versions ${rangeText(intersect(st.versions, valid))}).`} */\n`
    o += `export interface ${T} {\n`
    for (const f of st.fields) {
      const notes = [`versions ${rangeText(f.versions)}`]
      if (f.nullable) notes.push(`nullable ${rangeText(f.nullable)}`)
      if (f.tag !== undefined) notes.push(`tag ${f.tag} in ${rangeText(f.tagged)}`)
      if (f.rawDefault !== undefined) notes.push(`default ${f.rawDefault}`)
      if (f.ignorable) notes.push('ignorable')
      o += docComment([f.about, `(${notes.join(', ')})`], '  ') + '\n'
      o += `  ${f.prop}: ${this.fieldType(f)}\n`
    }
    o += '}\n\n'
    o += `/** ${T} with every field at its default. */\n`
    o += `export function default${T}(): ${T} {\n  return {${st.fields.length ? '\n' + st.fields.map((f) => `    ${f.prop}: ${f.defaultExpr}`).join(',\n') + '\n  ' : ''}}\n}\n\n`
    o += `/** Whether every field of \`s\` is missing or at its default (a tagged field holding it is left out). */\n`
    o += this.fn(
      `export function isDefault${T}(s: MessageInput<${T}>): boolean`,
      ['s'],
      `  return ${st.fields.length ? st.fields.map((f) => `(s.${f.prop} === undefined || ${this.isDefault(f, `s.${f.prop}`)})`).join(' &&\n    ') : 'true'}\n`
    )
    const flexCond = this.flexible ? cond(this.flexible, valid) : 'false'
    const tagged = st.fields.filter((f) => this.taggedRange(f)).sort((a, b) => a.tag - b.tag)
    // write
    let w = ''
    for (const f of st.fields) {
      const x = `s.${f.prop}`
      const val = `${x} === undefined ? ${f.defaultExpr} : ${x}`
      const regular = cond(this.regularRange(f), valid)
      const present = cond(f.versions, valid)
      const check = f.ignorable
        ? ''
        : `if (${x} !== undefined && !(${this.isDefault(f, x)})) {\n      throw new UnsupportedVersionError(\`${f.where} is not in version \${version} of ${this.name} (versions ${rangeText(f.versions)}) and holds a non-default value\`)\n    }`
      if (regular === 'true') {
        w += `  {\n    const v = ${val}\n${this.writeValue(f, 'v', st, '    ')}  }\n`
      } else if (regular !== 'false') {
        w += `  if (${regular}) {\n    const v = ${val}\n${this.writeValue(f, 'v', st, '    ')}  }`
        if (!check || present === 'true') w += '\n'
        else w += regular === present ? ` else {\n    ${check}\n  }\n` : ` else if (!(${present})) {\n    ${check}\n  }\n`
      } else if (check && present !== 'true') {
        w += present === 'false' ? `  {\n    ${check}\n  }\n` : `  if (!(${present})) {\n    ${check}\n  }\n`
      }
    }
    if (this.flexible) {
      w += `  if (flexible) {\n    const tagged: TaggedWrite[] = []\n`
      for (const f of tagged) {
        const x = `s.${f.prop}`
        const c = cond(this.taggedRange(f), valid)
        w += `    if (${c === 'true' ? '' : `${c} && `}${x} !== undefined && !(${this.isDefault(f, x)})) {\n`
        w += `      const v = ${x}\n`
        w += `      tagged.push([${f.tag}, (w) => {\n${this.writeValue(f, 'v', st, '        ')}      }])\n    }\n`
      }
      w += `    writeTaggedFields(w, tagged)\n  }\n`
    }
    if (/\bflexible\b/.test(w)) w = `  const flexible = ${flexCond}\n` + w
    o += `/** Writes ${T} in \`version\` (${rangeText(valid)}). @throws UnsupportedVersionError for a non-default field the version lacks. */\n`
    o += this.fn(`${st.top ? 'export ' : ''}function write${T}(w: ByteWriter, s: MessageInput<${T}>, version: number): void`, ['w', 's', 'version'], w)
    // read
    let r = `  const o = default${T}()\n`
    for (const f of st.fields) {
      const regular = cond(this.regularRange(f), valid)
      if (regular === 'false') continue
      if (regular === 'true') r += this.readValue(f, '  ', `o.${f.prop}`)
      else r += `  if (${regular}) {\n${this.readValue(f, '    ', `o.${f.prop}`)}  }\n`
    }
    if (this.flexible) {
      const cases = tagged
        .map((f) => {
          const c = cond(this.taggedRange(f), valid)
          return `        case ${f.tag}:\n${c === 'true' ? '' : `          if (!(${c})) return false\n`}${this.readValue(f, '          ', `o.${f.prop}`, 'tr')}          return true\n`
        })
        .join('')
      r += `  if (flexible) {\n    readTaggedFields(r, '${st.top ? this.name : `${this.name}.${st.name}`}', (${cases ? 'tag, tr' : '_tag, _tr'}) => {\n`
      if (cases) r += `      switch (tag) {\n${cases}      }\n`
      r += `      return false\n    })\n  }\n`
    }
    r += '  return o\n'
    if (/\bflexible\b/.test(r)) r = `  const flexible = ${flexCond}\n` + r
    o += `/** Reads ${T} of \`version\` (${rangeText(valid)}); fields the version lacks get their defaults. @throws RangeError naming the field on malformed input. */\n`
    o += this.fn(`${st.top ? 'export ' : ''}function read${T}(r: ByteReader, version: number): ${T}`, ['r', 'version'], r)
    return o
  }

  generate() {
    const N = this.name
    const valid = this.valid
    let o = HEADER(this.file)
    o += `import { ByteReader } from '../../codec/byte-reader'\nimport { ByteWriter } from '../../codec/byte-writer'\n`
    const body = this.order.map((st) => this.genStruct(st)).join('')
    const code = body.replace(/\/\*\*[^\n]*\*\//g, '')
    const used = ['checkVersion', 'readerOf', 'checkInt', 'checkInt64', 'UnsupportedVersionError', 'readString', 'writeString', 'readBytes', 'writeBytes', 'readArray', 'writeArray', 'readTaggedFields', 'writeTaggedFields', 'readStructPresence'].filter((n) => new RegExp(`\\b${n}\\b`).test(code) || n === 'checkVersion' || n === 'readerOf')
    const types = ['MessageInput', ...(body.includes('TaggedWrite') ? ['TaggedWrite'] : [])]
    o += `import { ${[...used, ...types.map((t) => `type ${t}`)].join(', ')} } from '../message-codec-support'\n\n`
    if (this.spec.apiKey !== undefined) o += `/** ${N}'s API key. */\nexport const ${camel(N)}ApiKey = ${this.spec.apiKey}\n`
    o += `/** ${N}'s valid versions (the spec's validVersions). */\nexport const ${camel(N)}Versions = { min: ${valid.min}, max: ${valid.max} } as const\n`
    o += `/** The first flexible version of ${N} (KIP-482), or null when none is. */\nexport const ${camel(N)}FirstFlexibleVersion: number | null = ${this.flexible ? this.flexible.min : 'null'}\n\n`
    o += body
    o += `/**\n * Encodes ${N} in \`version\` (${rangeText(valid)}); missing fields take their defaults.\n * @throws UnsupportedVersionError for a version outside ${rangeText(valid)} or a non-default field the version lacks; RangeError for null in a non-nullable field or a value out of its type's range.\n */\n`
    o += `export function encode${N}(msg: MessageInput<${N}>, version: number): Buffer {\n  checkVersion('${N}', version, ${valid.min}, ${valid.max})\n  const w = new ByteWriter(256)\n  write${N}(w, msg, version)\n  return w.toBuffer()\n}\n\n`
    o += `/**\n * Decodes ${N} of \`version\` from a buffer (whole) or a reader (from its position, which it advances).\n * Bytes and records fields are views into the input.\n * @throws UnsupportedVersionError for a version outside ${rangeText(valid)}; RangeError naming the field on truncated or malformed input.\n */\n`
    o += `export function decode${N}(input: Buffer | ByteReader, version: number): ${N} {\n  checkVersion('${N}', version, ${valid.min}, ${valid.max})\n  return read${N}(readerOf(input), version)\n}\n`
    return o
  }
}

const HEADER = (file) => `/**
 * GENERATED by scripts/generate-protocol.mjs from Apache Kafka's message spec ${file}
 * (../shared/kafka-protocol/messages/, Apache License 2.0: see ./LICENSE and ./NOTICE). Do not edit: change the
 * generator and run \`node scripts/generate-protocol.mjs\`.
 *
 * Must stay true: byte-for-byte the wire format Kafka's generated ${file.replace(/\.json$/, 'Data')} reads and writes.
 */
`

function main() {
  const { specs, out } = args()
  if (!fs.existsSync(specs)) throw new Error(`no message specs at ${specs} (expected Apache Kafka's clients/src/main/resources/common/message)`)
  const files = fs.readdirSync(specs).filter((f) => f.endsWith('.json')).sort()
  const gens = []
  for (const file of files) {
    let spec
    try {
      spec = JSON.parse(stripComments(fs.readFileSync(path.join(specs, file), 'utf8')))
    } catch (e) {
      throw new Error(`${file}: ${e.message}`)
    }
    gens.push(new MessageGen(spec, file))
  }
  fs.mkdirSync(out, { recursive: true })
  for (const f of fs.readdirSync(out)) if (f.endsWith('.ts')) fs.rmSync(path.join(out, f))
  const written = {}
  for (const g of gens) {
    const name = `${kebab(g.name)}.ts`
    written[name] = g.generate()
  }
  written['index.ts'] = indexFile(gens)
  for (const [name, text] of Object.entries(written)) fs.writeFileSync(path.join(out, name), text)
  // Apache License 2.0, section 4: derived files travel with the license and the NOTICE
  for (const f of ['NOTICE', 'LICENSE']) {
    const src = path.resolve(specs, '..', f)
    if (fs.existsSync(src)) fs.copyFileSync(src, path.join(out, f))
  }
  process.stdout.write(`generated ${Object.keys(written).length} files in ${path.relative(process.cwd(), out) || '.'}\n`)
}

function indexFile(gens) {
  const byKey = new Map()
  for (const g of gens) {
    if (g.spec.apiKey === undefined) continue
    const e = byKey.get(g.spec.apiKey) ?? {}
    e[g.spec.type] = g
    byKey.set(g.spec.apiKey, e)
  }
  const keys = [...byKey.keys()].sort((a, b) => a - b)
  let o = HEADER('*.json')
    .replace("Apache Kafka's message spec *.json", "Apache Kafka's message specs (*.json): the registry of\n * APIs (key, name, valid and flexible versions) and their codecs")
    .replace(/Must stay true: .*\n/, 'Must stay true: one entry per API key with both a request and a response spec.\n')
  o += `import type { ByteReader } from '../../codec/byte-reader'\nimport type { ByteWriter } from '../../codec/byte-writer'\nimport type { MessageInput } from '../message-codec-support'\n`
  for (const k of keys) {
    const { request, response } = byKey.get(k)
    if (!request || !response) throw new Error(`api key ${k} lacks a request or response spec`)
    for (const g of [request, response]) {
      const N = g.name
      o += `import { decode${N}, default${N}, encode${N}, read${N}, write${N}, type ${N} } from './${kebab(N)}'\n`
    }
  }
  o += `
/** The codecs and version facts of one API's request/response pair. */
export interface ApiMessages<Req, Res> {
  /** The API key (ApiKeys.id). */
  apiKey: number
  /** Kafka's name without Request/Response, e.g. "ApiVersions". */
  name: string
  /** Where Kafka serves it (spec "listeners": "broker", "controller", "zkBroker"). */
  listeners: readonly string[]
  /** The request's valid versions (the spec's validVersions). */
  versions: { min: number; max: number }
  /** The first flexible version, or null (request header v2 / response header v1 from it). */
  firstFlexibleVersion: number | null
  /** The spec marks its latest version unstable (not advertised by a released broker). */
  latestVersionUnstable: boolean
  /** A request / response with every field at its default. */
  defaultRequest(): Req
  defaultResponse(): Res
  /** The request body in \`version\` (see each message file's encodeX for the errors). */
  encodeRequest(msg: MessageInput<Req>, version: number): Buffer
  /** A request body of \`version\` from a buffer or a reader (RangeError naming the field when malformed). */
  decodeRequest(input: Buffer | ByteReader, version: number): Req
  /** Appends the request body to \`w\` (no version check: the caller checked it). */
  writeRequest(w: ByteWriter, msg: MessageInput<Req>, version: number): void
  /** Reads a request body at \`r\`'s position (no version check). */
  readRequest(r: ByteReader, version: number): Req
  /** The response body in \`version\`. */
  encodeResponse(msg: MessageInput<Res>, version: number): Buffer
  /** A response body of \`version\`. */
  decodeResponse(input: Buffer | ByteReader, version: number): Res
  /** Appends the response body to \`w\` (no version check). */
  writeResponse(w: ByteWriter, msg: MessageInput<Res>, version: number): void
  /** Reads a response body at \`r\`'s position (no version check). */
  readResponse(r: ByteReader, version: number): Res
}

/** Every API in the specs by key, typed per key. */
export const API_MESSAGES = {
`
  for (const k of keys) {
    const { request: q, response: s } = byKey.get(k)
    const base = q.name.replace(/Request$/, '')
    if (q.valid.min !== s.valid.min || q.valid.max !== s.valid.max) throw new Error(`${base}: request and response valid versions differ`)
    o += `  ${k}: {
    apiKey: ${k},
    name: '${base}',
    listeners: ${JSON.stringify(q.spec.listeners ?? [])},
    versions: { min: ${q.valid.min}, max: ${q.valid.max} },
    firstFlexibleVersion: ${q.flexible ? q.flexible.min : 'null'},
    latestVersionUnstable: ${!!q.spec.latestVersionUnstable},
    defaultRequest: default${q.name},
    defaultResponse: default${s.name},
    encodeRequest: encode${q.name},
    decodeRequest: decode${q.name},
    writeRequest: write${q.name},
    readRequest: read${q.name},
    encodeResponse: encode${s.name},
    decodeResponse: decode${s.name},
    writeResponse: write${s.name},
    readResponse: read${s.name}
  } as ApiMessages<${q.name}, ${s.name}>,
`
  }
  o += `} as const

/** An API key present in the specs. */
export type ApiKey = keyof typeof API_MESSAGES

/** The entry for \`apiKey\`, or undefined for a key the specs do not define. */
export function apiMessages(apiKey: number): ApiMessages<unknown, unknown> | undefined {
  return Object.prototype.hasOwnProperty.call(API_MESSAGES, apiKey)
    ? (API_MESSAGES[apiKey as ApiKey] as unknown as ApiMessages<unknown, unknown>)
    : undefined
}
`
  return o
}

main()
