import { describe, expect, it } from 'vitest'
import {
  base64ToBytes,
  hexDump,
  previewPayload,
  renderPayload,
  viewerById,
  VIEWERS
} from '../../../../src/renderer/src/utils/payload-viewers'

const b64 = (s: string | Uint8Array): string => {
  const bytes = typeof s === 'string' ? new TextEncoder().encode(s) : s
  return btoa(String.fromCharCode(...bytes))
}

describe('payload viewers', () => {
  it('decodes base64 into the exact bytes, including non-UTF-8 ones', () => {
    expect(Array.from(base64ToBytes(b64(new Uint8Array([0, 0xff, 0xc3, 0x28])))!)).toEqual([0, 0xff, 0xc3, 0x28])
    expect(base64ToBytes(null)).toBeNull()
  })

  describe('text', () => {
    it('shows UTF-8 text as is, multi-byte characters included', () => {
      expect(renderPayload(b64('Zürich → DFW ✈'), 'text')).toEqual({ text: 'Zürich → DFW ✈', ok: true })
    })

    it('marks bytes that are not valid UTF-8 and shows them as U+FFFD', () => {
      const out = renderPayload(b64(new Uint8Array([0x61, 0xc3, 0x28, 0x62])), 'text')
      expect(out.ok).toBe(false)
      expect(out.text).toBe('a\uFFFD(b')
      expect(out.note).toMatch(/not valid UTF-8/)
    })

    it('shows a null payload as null', () => {
      expect(renderPayload(null, 'text').text).toBe('null')
    })
  })

  describe('json', () => {
    it('pretty-prints JSON with two-space indentation', () => {
      expect(renderPayload(b64('{"origin":"DFW","delay":[1,2]}'), 'json')).toEqual({
        text: '{\n  "origin": "DFW",\n  "delay": [\n    1,\n    2\n  ]\n}',
        ok: true
      })
    })

    it('falls back to the text, with a note, when the value is not JSON', () => {
      const out = renderPayload(b64('hello {'), 'json')
      expect(out.ok).toBe(false)
      expect(out.text).toBe('hello {')
      expect(out.note).toMatch(/^not JSON/)
    })

    it('refuses invalid UTF-8 as JSON', () => {
      const out = renderPayload(b64(new Uint8Array([0x7b, 0xff, 0x7d])), 'json')
      expect(out.ok).toBe(false)
      expect(out.note).toMatch(/UTF-8/)
    })
  })

  describe('hex', () => {
    it('dumps 16 bytes a line with offsets and printable ASCII', () => {
      const bytes = new Uint8Array([...new TextEncoder().encode('0123456789abcdef'), 0x00, 0xff, 0x41])
      expect(hexDump(bytes)).toBe(
        '00000000  30 31 32 33 34 35 36 37 38 39 61 62 63 64 65 66  |0123456789abcdef|\n' +
          '00000010  00 ff 41                                         |..A|'
      )
    })

    it('shows non-UTF-8 bytes exactly', () => {
      expect(renderPayload(b64(new Uint8Array([0xc3, 0x28])), 'hex')).toEqual({ text: '00000000  c3 28' + ' '.repeat(44) + '|.(|', ok: true })
    })

    it('previews hex as the byte pairs on one line', () => {
      expect(previewPayload(b64('AB'), 'hex')).toBe('41 42')
    })
  })

  it('falls back to the text viewer for an unknown id and lists text, JSON and hex', () => {
    expect(viewerById('protobuf').id).toBe('text')
    expect(VIEWERS.map((v) => v.id)).toEqual(['text', 'json', 'hex'])
  })

  it('reports invalid base64 instead of throwing', () => {
    const out = renderPayload('***', 'text')
    expect(out.ok).toBe(false)
    expect(out.note).toBe('not valid base64')
  })

  it('cuts long previews and collapses whitespace', () => {
    expect(previewPayload(b64('{\n  "a": 1\n}'), 'text')).toBe('{ "a": 1 }')
    expect(previewPayload(b64('x'.repeat(50)), 'text', 10)).toBe('xxxxxxxxxx…')
  })
})
