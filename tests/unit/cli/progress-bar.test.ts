/** The import progress bar: rendering, TTY-only drawing, and redraws only on a new percentage. */
import { describe, expect, it } from 'vitest'
import { ProgressBar, renderProgress } from '../../../src/cli/progress-bar'

describe('ProgressBar', () => {
  it('renders filled cells, the percentage and the counts with thousands separators', () => {
    expect(renderProgress(5, 10, 10, 'Importing')).toBe('Importing [#####-----]  50% 5/10')
    expect(renderProgress(1_500_000, 3_000_000, 4, 'x')).toBe('x [##--]  50% 1,500,000/3,000,000')
    expect(renderProgress(0, 0, 4, 'x')).toBe('x [####] 100% 0/0')
  })

  it('draws nothing when the stream is not a terminal', () => {
    const out: string[] = []
    const bar = new ProgressBar({ isTTY: false, write: (t) => out.push(t) }, 'x')
    bar.update(1, 2)
    bar.done()
    expect(out).toEqual([])
  })

  it('redraws on a TTY only when the percentage changes, and ends the line', () => {
    const out: string[] = []
    const bar = new ProgressBar({ isTTY: true, columns: 80, write: (t) => out.push(t) }, 'x')
    bar.update(1, 1000)
    bar.update(2, 1000)
    bar.update(500, 1000)
    bar.done()
    expect(out).toHaveLength(3)
    expect(out[0].startsWith('\r')).toBe(true)
    expect(out[1]).toContain(' 50% 500/1,000')
    expect(out[2]).toBe('\n')
  })
})
