import { describe, expect, it } from 'vitest'
import { detectImport } from '../../../../src/renderer/src/utils/import-detect'

describe('detectImport', () => {
  it('detects a JSON array and the fields of its records', () => {
    const d = detectImport('flights.json', '[{"origin":"DFW","dest":"ORD"},{"origin":"JFK","delay":3}]')
    expect(d).toEqual({ format: 'json', fields: ['origin', 'dest', 'delay'], records: 2 })
  })

  it('detects NDJSON, one record a line, blank lines skipped', () => {
    const d = detectImport('events.ndjson', '{"id":1,"k":"a"}\n\n{"id":2,"k":"b","x":0}\n')
    expect(d).toEqual({ format: 'ndjson', fields: ['id', 'k', 'x'], records: 2 })
  })

  it('detects CSV with a header row', () => {
    const d = detectImport('f.csv', 'origin,dest\nDFW,ORD\nJFK,LAX\n')
    expect(d).toEqual({ format: 'csv', fields: ['origin', 'dest'], records: 2 })
  })

  it('names the problem for broken input instead of throwing', () => {
    expect(detectImport('x.json', '[{"a":1},')).toMatchObject({ error: expect.stringMatching(/^Not valid JSON/) })
    expect(detectImport('x.ndjson', '{"a":1}\n{oops}')).toMatchObject({ error: expect.stringMatching(/^NDJSON line 2/) })
    expect(detectImport('x.json', '   ')).toEqual({ error: 'The file is empty' })
    expect(detectImport('x.json', '{"a":1}')).toEqual({ format: 'ndjson', fields: ['a'], records: 1 })
  })
})
