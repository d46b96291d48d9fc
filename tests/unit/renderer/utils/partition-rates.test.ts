import { describe, expect, it } from 'vitest'
import { appendSample, partitionRates } from '../../../../src/renderer/src/utils/partition-rates'

describe('partition rates from log end offsets', () => {
  it('gives records per second per partition between consecutive samples', () => {
    const samples = [
      { t: 1000, logEndOffsets: [0, 10] },
      { t: 3000, logEndOffsets: [40, 10] },
      { t: 4000, logEndOffsets: [50, 15] }
    ]
    expect(partitionRates(samples)).toEqual([
      [
        { t: 3000, v: 20 },
        { t: 4000, v: 10 }
      ],
      [
        { t: 3000, v: 0 },
        { t: 4000, v: 5 }
      ]
    ])
  })

  it('counts a falling offset (topic recreated) as zero', () => {
    expect(partitionRates([{ t: 0, logEndOffsets: [100] }, { t: 1000, logEndOffsets: [3] }])).toEqual([[{ t: 1000, v: 0 }]])
  })

  it('ignores samples that are not newer and keeps at most cap samples', () => {
    let s = appendSample([], { t: 10, logEndOffsets: [1] }, 2)
    s = appendSample(s, { t: 10, logEndOffsets: [9] }, 2)
    expect(s).toHaveLength(1)
    s = appendSample(s, { t: 20, logEndOffsets: [2] }, 2)
    s = appendSample(s, { t: 30, logEndOffsets: [3] }, 2)
    expect(s.map((x) => x.t)).toEqual([20, 30])
  })
})
