/**
 * The message search's JSON filter: a small expression language over a record value parsed as
 * JSON, parsed by jsep (a well-kept JavaScript expression parser) and evaluated here by walking
 * its tree (never `eval`). Examples:
 *
 *     $.origin == "DFW"
 *     $.delay > 60 && $.origin != "ORD"
 *     $.legs[0].carrier == "AA" || contains(lower($.note), "late")
 *     $["odd key"] >= 10 && exists($.cancelled)
 *
 * The language:
 * - `$` is the value; `.name`, `["name"]` and `[index]` step into objects and arrays. A missing
 *   step gives `missing` (not null): `missing` equals nothing, compares with nothing, and
 *   `exists(path)` is false for it.
 * - Literals: numbers, "strings" or 'strings', true, false, null.
 * - `==` / `!=` (also `===` / `!==`): same type and value, no coercion (1 == "1" is false); objects
 *   and arrays compare by content.
 * - `<` `<=` `>` `>=`: two numbers, or two strings (by code unit); anything else is false.
 * - `&&`, `||`, `!` on booleans (`!x` is true unless x is true); `+ - * / %` on numbers (`+` also
 *   joins two strings); unary `-`.
 * - Functions: contains(s, part) (string contains, or array includes), startsWith(s, p),
 *   endsWith(s, p), lower(s), upper(s), len(x) (string, array or object size), exists(path),
 *   matches(s, "regex") (the regex is checked as the search's are), number(x), string(x).
 * - A record matches when the expression's value is `true`. A value that is not valid JSON
 *   (or not UTF-8) does not match.
 * - JSON numbers are read as JavaScript numbers (integers beyond 2^53 lose precision).
 *
 * Must stay true: compiling throws only KafkaError INVALID_REQUEST naming the position or the
 * construct and the rule; evaluation never throws (type mismatches give false / missing) and has
 * no side effects.
 */
import { isUtf8 } from 'node:buffer'
import jsep from 'jsep'
import { KafkaError } from '../../broker/model/errors'
import { regexProblem } from './text-filter'

/** The value of an expression: JSON values, plus `MISSING` for a path that is not there. */
type Value = unknown
const MISSING: unique symbol = Symbol('missing')

type Eval = (root: Value) => Value

/** A compiled JSON filter. */
export interface JsonFilter {
  /** True when the expression is `true` for this parsed value. */
  test(root: Value): boolean
  /** True when `bytes` is JSON whose value makes the expression `true`. */
  testBytes(bytes: Buffer): boolean
  /**
   * False when no JSON value lying anywhere inside `bytes` (e.g. a whole records section of a
   * batch) can make the expression true: a literal the expression requires (see requiredLiterals)
   * occurs nowhere in them, nor does an escape that could spell it (`\u` or `\/`, the only escapes a
   * string equal to such a literal can hold). True when unsure.
   */
  mayMatchIn(bytes: Buffer): boolean
}

const FUNCTIONS: Record<string, { arity: number; regexArg?: number }> = {
  contains: { arity: 2 },
  startsWith: { arity: 2 },
  endsWith: { arity: 2 },
  lower: { arity: 1 },
  upper: { arity: 1 },
  len: { arity: 1 },
  exists: { arity: 1 },
  matches: { arity: 2, regexArg: 1 },
  number: { arity: 1 },
  string: { arity: 1 }
}

function refuse(expression: string, message: string): never {
  throw new KafkaError('INVALID_REQUEST', `JSON filter ${JSON.stringify(expression)}: ${message}`)
}

function isObject(v: Value): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

/** Same type and value; arrays and objects by content. */
function equal(a: Value, b: Value): boolean {
  if (a === MISSING || b === MISSING) return false
  if (a === b) return true
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false
  if (Array.isArray(a) !== Array.isArray(b)) return false
  if (Array.isArray(a)) {
    const bb = b as unknown[]
    return a.length === bb.length && a.every((x, i) => equal(x, bb[i]))
  }
  const ka = Object.keys(a as object)
  const ob = b as Record<string, unknown>
  return ka.length === Object.keys(ob).length && ka.every((k) => Object.prototype.hasOwnProperty.call(ob, k) && equal((a as Record<string, unknown>)[k], ob[k]))
}

function compare(op: string, a: Value, b: Value): boolean {
  const bothNumbers = typeof a === 'number' && typeof b === 'number'
  const bothStrings = typeof a === 'string' && typeof b === 'string'
  if (!bothNumbers && !bothStrings) return false
  const x = a as number | string
  const y = b as number | string
  switch (op) {
    case '<':
      return x < y
    case '<=':
      return x <= y
    case '>':
      return x > y
    default:
      return x >= y
  }
}

function arithmetic(op: string, a: Value, b: Value): Value {
  if (op === '+' && typeof a === 'string' && typeof b === 'string') return a + b
  if (typeof a !== 'number' || typeof b !== 'number') return MISSING
  switch (op) {
    case '+':
      return a + b
    case '-':
      return a - b
    case '*':
      return a * b
    case '/':
      return b === 0 ? MISSING : a / b
    default:
      return b === 0 ? MISSING : a % b
  }
}

function step(v: Value, key: Value): Value {
  if (Array.isArray(v) && typeof key === 'number') return Number.isInteger(key) && key >= 0 && key < v.length ? v[key] : MISSING
  if (isObject(v) && (typeof key === 'string' || typeof key === 'number')) {
    const k = String(key)
    return Object.prototype.hasOwnProperty.call(v, k) ? v[k] : MISSING
  }
  return MISSING
}

function callFunction(name: string, args: Value[], re: RegExp | null): Value {
  const [a, b] = args
  switch (name) {
    case 'contains':
      if (typeof a === 'string' && typeof b === 'string') return a.includes(b)
      if (Array.isArray(a)) return a.some((x) => equal(x, b))
      return false
    case 'startsWith':
      return typeof a === 'string' && typeof b === 'string' && a.startsWith(b)
    case 'endsWith':
      return typeof a === 'string' && typeof b === 'string' && a.endsWith(b)
    case 'lower':
      return typeof a === 'string' ? a.toLowerCase() : MISSING
    case 'upper':
      return typeof a === 'string' ? a.toUpperCase() : MISSING
    case 'len':
      if (typeof a === 'string' || Array.isArray(a)) return a.length
      return isObject(a) ? Object.keys(a).length : MISSING
    case 'exists':
      return a !== MISSING
    case 'matches':
      return typeof a === 'string' && re !== null && re.test(a)
    case 'number':
      if (typeof a === 'number') return a
      if (typeof a === 'string' && a.trim() !== '' && Number.isFinite(Number(a))) return Number(a)
      return MISSING
    default:
      if (typeof a === 'string') return a
      if (typeof a === 'number' || typeof a === 'boolean' || a === null) return String(a)
      return MISSING
  }
}

/** Whether a node is a path from `$` (for exists()). */
function isPath(node: jsep.Expression): boolean {
  if (node.type === 'Identifier') return (node as jsep.Identifier).name === '$'
  if (node.type === 'MemberExpression') return isPath((node as jsep.MemberExpression).object)
  return false
}

/** Compiles one node into a closure; refuses every construct the language does not have. */
function compileNode(node: jsep.Expression, expression: string): Eval {
  switch (node.type) {
    case 'Literal': {
      const v = (node as jsep.Literal).value
      if (v instanceof RegExp) refuse(expression, 'regex literals are not supported: use matches(s, "pattern")')
      return () => v
    }
    case 'Identifier': {
      const name = (node as jsep.Identifier).name
      if (name === '$') return (root) => root
      refuse(expression, `unknown name "${name}": paths start at $ (e.g. $.${name}), strings are quoted ("${name}")`)
      break
    }
    case 'MemberExpression': {
      const m = node as jsep.MemberExpression
      if (m.optional) refuse(expression, 'optional chaining (?.) is not needed: a missing step already gives missing')
      const object = compileNode(m.object, expression)
      if (!m.computed) {
        const key = (m.property as jsep.Identifier).name
        return (root) => step(object(root), key)
      }
      const property = compileNode(m.property, expression)
      return (root) => step(object(root), property(root))
    }
    case 'UnaryExpression': {
      const u = node as jsep.UnaryExpression
      const arg = compileNode(u.argument, expression)
      if (u.operator === '!') return (root) => arg(root) !== true
      if (u.operator === '-') return (root) => {
        const v = arg(root)
        return typeof v === 'number' ? -v : MISSING
      }
      refuse(expression, `unary operator "${u.operator}" is not supported (use ! or -)`)
      break
    }
    case 'BinaryExpression': {
      const b = node as jsep.BinaryExpression
      const left = compileNode(b.left, expression)
      const right = compileNode(b.right, expression)
      switch (b.operator) {
        case '&&':
          return (root) => left(root) === true && right(root) === true
        case '||':
          return (root) => left(root) === true || right(root) === true
        case '==':
        case '===':
          return (root) => equal(left(root), right(root))
        case '!=':
        case '!==':
          return (root) => !equal(left(root), right(root))
        case '<':
        case '<=':
        case '>':
        case '>=': {
          const op = b.operator
          return (root) => compare(op, left(root), right(root))
        }
        case '+':
        case '-':
        case '*':
        case '/':
        case '%': {
          const op = b.operator
          return (root) => arithmetic(op, left(root), right(root))
        }
        default:
          refuse(expression, `operator "${b.operator}" is not supported (use == != < <= > >= && || ! + - * / %)`)
      }
      break
    }
    case 'CallExpression': {
      const c = node as jsep.CallExpression
      const name = c.callee.type === 'Identifier' ? (c.callee as jsep.Identifier).name : null
      const fn = name !== null ? FUNCTIONS[name] : undefined
      if (!name || !fn) refuse(expression, `unknown function${name ? ` "${name}"` : ''}: the functions are ${Object.keys(FUNCTIONS).join(', ')}`)
      if (c.arguments.length !== fn.arity) refuse(expression, `${name}() takes ${fn.arity} argument${fn.arity === 1 ? '' : 's'}, got ${c.arguments.length}`)
      if (name === 'exists' && !isPath(c.arguments[0])) refuse(expression, 'exists() takes a path from $, e.g. exists($.cancelled)')
      let re: RegExp | null = null
      if (fn.regexArg !== undefined) {
        const lit = c.arguments[fn.regexArg]
        if (lit.type !== 'Literal' || typeof (lit as jsep.Literal).value !== 'string')
          refuse(expression, `${name}() takes the regular expression as a string literal, e.g. matches($.id, "^A[0-9]+$")`)
        const pattern = (lit as jsep.Literal).value as string
        const problem = regexProblem(pattern)
        if (problem) refuse(expression, `the regular expression /${pattern}/ ${problem}`)
        re = new RegExp(pattern)
      }
      const args = c.arguments.map((a) => compileNode(a, expression))
      return (root) => callFunction(name, args.map((a) => a(root)), re)
    }
    case 'Compound':
      refuse(expression, 'one expression only (join conditions with && or ||)')
      break
    default:
      refuse(expression, `${node.type} is not part of the filter language`)
  }
  return refuse(expression, `${node.type} is not part of the filter language`)
}

/**
 * String literals the value's text must contain for the filter to be true: those compared with ==
 * to a path in the top-level && chain. Sound as a pre-check on the raw bytes because a JSON string
 * equal to L appears in the text either verbatim or with a backslash escape: the pre-check passes
 * when the bytes contain L or any backslash. Literals JSON would escape are left out.
 */
function requiredLiterals(node: jsep.Expression): string[] {
  if (node.type !== 'BinaryExpression') return []
  const b = node as jsep.BinaryExpression
  if (b.operator === '&&') return [...requiredLiterals(b.left), ...requiredLiterals(b.right)]
  if (b.operator !== '==' && b.operator !== '===') return []
  for (const [p, l] of [
    [b.left, b.right],
    [b.right, b.left]
  ]) {
    if (isPath(p) && p.type !== 'Identifier' && l.type === 'Literal' && typeof (l as jsep.Literal).value === 'string') {
      const s = (l as jsep.Literal).value as string
      if (s.length > 0 && JSON.stringify(s) === `"${s}"`) return [s]
    }
  }
  return []
}

const BACKSLASH = 0x5c
/** The escapes a JSON string equal to a required literal (no quote, backslash or control character) can hold. */
const ESCAPES = [Buffer.from('\\u'), Buffer.from('\\/')]

/**
 * Compiles a JSON filter expression.
 * @throws KafkaError INVALID_REQUEST naming the syntax error's position or the unsupported construct.
 */
export function compileJsonFilter(expression: string): JsonFilter {
  let ast: jsep.Expression
  try {
    ast = jsep(expression)
  } catch (e) {
    return refuse(expression, (e as Error).message)
  }
  const evaluate = compileNode(ast, expression)
  const needles = requiredLiterals(ast).map((s) => Buffer.from(s, 'utf8'))
  const test = (root: Value) => {
    try {
      return evaluate(root) === true
    } catch {
      return false // e.g. a stack overflow on absurdly deep values: no match
    }
  }
  return {
    test,
    mayMatchIn(bytes) {
      if (needles.length === 0 || ESCAPES.some((e) => bytes.indexOf(e) >= 0)) return true
      return needles.every((n) => bytes.indexOf(n) >= 0)
    },
    testBytes(bytes) {
      if (needles.length > 0 && bytes.indexOf(BACKSLASH) < 0) for (const n of needles) if (bytes.indexOf(n) < 0) return false
      if (!isUtf8(bytes)) return false
      let root: Value
      try {
        root = JSON.parse(bytes.toString('utf8'))
      } catch {
        return false
      }
      return test(root)
    }
  }
}
