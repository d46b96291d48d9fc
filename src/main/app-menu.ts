/**
 * The application menu: Electron's standard roles (app menu on macOS, File, Edit, View, Window),
 * with developer tools only in development builds.
 *
 * Must stay true: no item opens external URLs or loads remote content.
 */
import type { MenuItemConstructorOptions } from 'electron'

/** The menu template for `platform`; `dev` adds reload and developer tools. */
export function appMenuTemplate(platform: NodeJS.Platform, dev: boolean): MenuItemConstructorOptions[] {
  const view: MenuItemConstructorOptions[] = [
    { role: 'resetZoom' },
    { role: 'zoomIn' },
    { role: 'zoomOut' },
    { type: 'separator' },
    { role: 'togglefullscreen' }
  ]
  if (dev) view.unshift({ role: 'reload' }, { role: 'toggleDevTools' }, { type: 'separator' })
  const template: MenuItemConstructorOptions[] = []
  if (platform === 'darwin') template.push({ role: 'appMenu' })
  template.push(
    { label: 'File', submenu: [platform === 'darwin' ? { role: 'close' } : { role: 'quit' }] },
    { role: 'editMenu' },
    { label: 'View', submenu: view },
    { role: 'windowMenu' }
  )
  return template
}
