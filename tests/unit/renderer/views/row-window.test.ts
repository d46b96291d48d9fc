/**
 * The window of a fixed-height virtual list (row-window.ts): the rows a scroll offset shows, with
 * overscan either side, within 0..count, found from the offset alone; bad row heights refused.
 */
import { describe, expect, it } from 'vitest'
import { rowWindow } from '../../../../src/renderer/src/views/browser/row-window'

describe('rowWindow', () => {
  it('gives the rows the viewport intersects plus the overscan, within the list', () => {
    // 28 px rows, a 280 px viewport scrolled to 2,800 px: rows 100..109 show.
    expect(rowWindow(2800, 280, 28, 100_000, 12)).toEqual({ start: 88, end: 122, totalHeight: 2_800_000 })
    // A partly shown row at either edge counts: 2,810 px shows part of row 100 and of row 110.
    expect(rowWindow(2810, 280, 28, 100_000, 0)).toEqual({ start: 100, end: 111, totalHeight: 2_800_000 })
    expect(rowWindow(0, 280, 28, 100_000, 12)).toMatchObject({ start: 0, end: 22 })
    expect(rowWindow(-50, 280, 28, 5, 12)).toEqual({ start: 0, end: 5, totalHeight: 140 })
    // Scrolled past the end (the list shrank): an empty window at the end, never beyond it.
    expect(rowWindow(1_000_000, 280, 28, 30, 12)).toEqual({ start: 30, end: 30, totalHeight: 840 })
    expect(rowWindow(0, 0, 28, 0, 12)).toEqual({ start: 0, end: 0, totalHeight: 0 })
  })

  it('refuses a row height that is not a positive number of px', () => {
    expect(() => rowWindow(0, 100, 0, 10, 1)).toThrow(/rowHeight must be a positive number of px, got 0/)
    expect(() => rowWindow(0, 100, Number.NaN, 10, 1)).toThrow(RangeError)
  })
})
