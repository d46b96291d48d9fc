/** The application menu template: standard roles, macOS app menu, developer tools only in dev. */
import { describe, expect, it } from 'vitest'
import type { MenuItemConstructorOptions } from 'electron'
import { appMenuTemplate } from '../../../src/main/app-menu'

function roles(items: MenuItemConstructorOptions[]): string[] {
  return items.flatMap((i) => [
    ...(i.role ? [String(i.role)] : []),
    ...(Array.isArray(i.submenu) ? roles(i.submenu as MenuItemConstructorOptions[]) : [])
  ])
}

describe('appMenuTemplate', () => {
  it('has the app menu on macOS only', () => {
    expect(roles(appMenuTemplate('darwin', false))).toContain('appMenu')
    expect(roles(appMenuTemplate('linux', false))).not.toContain('appMenu')
    expect(roles(appMenuTemplate('linux', false))).toContain('quit')
  })

  it('offers reload and developer tools only in development', () => {
    expect(roles(appMenuTemplate('linux', true))).toEqual(expect.arrayContaining(['reload', 'toggleDevTools']))
    expect(roles(appMenuTemplate('win32', false))).not.toContain('toggleDevTools')
    expect(roles(appMenuTemplate('win32', false))).not.toContain('reload')
  })
})
