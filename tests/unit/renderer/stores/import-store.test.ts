import { beforeEach, describe, expect, it } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { setApi } from '../../../../src/renderer/src/api/client'
import { useImportStore } from '../../../../src/renderer/src/stores/import-store'
import { fakeApi, type FakeApi } from '../fake-api'

beforeEach(() => setActivePinia(createPinia()))

describe('useImportStore', () => {
  it('detects fields, sends the file with the key field and a new topic, and follows only its own progress', async () => {
    const seen: { done: number; total: number }[] = []
    let api: FakeApi
    api = fakeApi({
      'import/run': (req) => {
        api.emit('import/progress', { topic: 'other', done: 99, total: 99 })
        api.emit('import/progress', { topic: req.topic, done: 1, total: 2 })
        seen.push({ ...(useImportStore().progress as { done: number; total: number }) })
        return { imported: 2, perPartition: { 0: 1, 2: 1 }, elapsedMs: 5 }
      }
    })
    setApi(api)
    const s = useImportStore()
    s.load('w.csv', 'city,temp\nAustin,31\nBoston,12\n')
    expect(s.format).toBe('csv')
    expect(s.fields).toEqual(['city', 'temp'])
    s.keyField = 'city'
    s.topic = 'weather'
    s.createNew = true
    s.partitions = 3
    s.replicationFactor = 1
    expect(await s.run()).toBe(true)
    expect(api.calls[0].req).toMatchObject({ topic: 'weather', format: 'csv', keyField: 'city', createTopic: { partitions: 3, replicationFactor: 1 } })
    expect(seen).toEqual([{ done: 1, total: 2 }])
    expect(s.result).toMatchObject({ topic: 'weather', imported: 2, perPartition: { 0: 1, 2: 1 } })
    expect(s.createNew).toBe(false)
  })

  it('names why a file cannot be imported', () => {
    const s = useImportStore()
    s.load('x.json', '[{"a":')
    expect(s.format).toBeNull()
    expect(s.detectError).toMatch(/^Not valid JSON/)
  })
})
