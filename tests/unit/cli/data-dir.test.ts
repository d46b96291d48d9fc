/** The default data directory per platform, and the environment overrides. */
import { describe, expect, it } from 'vitest'
import { defaultDataDir } from '../../../src/cli/data-dir'

describe('defaultDataDir', () => {
  it('uses BROKERLAB_DATA_DIR above everything', () => {
    expect(defaultDataDir({ BROKERLAB_DATA_DIR: '/data/bl', XDG_DATA_HOME: '/x' }, 'linux', '/home/u')).toBe('/data/bl')
  })
  it('follows XDG on Linux, falling back to ~/.local/share', () => {
    expect(defaultDataDir({ XDG_DATA_HOME: '/xdg' }, 'linux', '/home/u')).toBe('/xdg/brokerlab')
    expect(defaultDataDir({}, 'linux', '/home/u')).toBe('/home/u/.local/share/brokerlab')
    expect(defaultDataDir({ XDG_DATA_HOME: 'relative' }, 'linux', '/home/u')).toBe('/home/u/.local/share/brokerlab')
  })
  it('uses Application Support on macOS and %APPDATA% on Windows', () => {
    expect(defaultDataDir({}, 'darwin', '/Users/u')).toBe('/Users/u/Library/Application Support/Brokerlab')
    expect(defaultDataDir({ APPDATA: 'C:\\Users\\u\\AppData\\Roaming' }, 'win32', 'C:\\Users\\u')).toBe(
      'C:\\Users\\u\\AppData\\Roaming\\Brokerlab'
    )
  })
})
