/**
 * The bound on error messages in answers (src/broker/protocol/error-messages.ts): long messages are
 * cut and say how much was left out, short ones and everything else stay as they are, and the
 * handler's objects are never modified.
 */
import { describe, expect, it } from 'vitest'
import { boundErrorMessages, MAX_ERROR_MESSAGE_CHARS, shortenErrorMessage } from '../../../../src/broker/protocol/error-messages'

describe('error messages in answers', () => {
  it('cuts a message longer than the bound, saying how many characters were left out, so it fits an int16-length string', () => {
    const m = shortenErrorMessage(`topic ${'x'.repeat(40000)}`)
    expect(m.length).toBe(MAX_ERROR_MESSAGE_CHARS)
    const [, kept, more] = /^(topic x+)\.\.\. \((\d+) more characters\)$/.exec(m)!
    expect(kept.length + Number(more)).toBe(40006)
    expect(Buffer.byteLength(shortenErrorMessage('日'.repeat(40000)), 'utf8')).toBeLessThanOrEqual(32767)
  })

  it('never splits a surrogate pair', () => {
    const m = shortenErrorMessage('🦄'.repeat(5000))
    expect(m).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])/)
    expect(m.startsWith('🦄')).toBe(true)
  })

  it('leaves an answer without long messages as the same object, and copies (never modifies) one with', () => {
    const short = { errorCode: 3, errorMessage: 'short', results: [{ errorMessage: null, data: Buffer.from('x') }] }
    expect(boundErrorMessages(short)).toBe(short)
    const shared = { partitionId: 0, errorCode: 3, errorMessage: 'y'.repeat(5000), name: 'z'.repeat(5000) }
    const answer = { throttleTimeMs: 0, results: [{ topic: 't', partitionResult: [shared] }], other: [{ errorCode: 0 }] }
    const out = boundErrorMessages(answer)
    expect(out).not.toBe(answer)
    expect(out.results[0].partitionResult[0].errorMessage.length).toBe(MAX_ERROR_MESSAGE_CHARS)
    expect(out.results[0].partitionResult[0].name).toBe('z'.repeat(5000)) // only errorMessage fields
    expect(shared.errorMessage).toBe('y'.repeat(5000))
    expect(out.other).toBe(answer.other)
  })
})
