/**
 * The application window and its hardening: the safe webPreferences (contextIsolation, sandbox,
 * no nodeIntegration, webSecurity), the preload bridge, navigation blocked and new windows denied.
 *
 * Must stay true: the renderer never gets Node; the only way out of the page is the preload's
 * contract; no navigation away from the app and no window.open, whatever the page does.
 */
import { join } from 'node:path'
import type { BrowserWindow, BrowserWindowConstructorOptions } from 'electron'

/** The webPreferences every Brokerlab window uses (exported so tests compare against it). */
export function safeWebPreferences(preloadPath: string): NonNullable<BrowserWindowConstructorOptions['webPreferences']> {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    spellcheck: false
  }
}

/** Where the bundles live: `out/main` holds this bundle, `out/preload` and `out/renderer` are siblings. */
export interface WindowPaths {
  preload: string
  rendererHtml: string
  /** The window icon (resources/icon.png in the checkout). */
  icon: string
  /** electron-vite's dev server URL (ELECTRON_RENDERER_URL) when running `npm run dev`. */
  devServerUrl?: string
}

/** Paths of the preload and renderer relative to the main bundle's directory. */
export function windowPaths(mainDir: string, env: NodeJS.ProcessEnv = process.env): WindowPaths {
  return {
    preload: join(mainDir, '../preload/index.js'),
    rendererHtml: join(mainDir, '../renderer/index.html'),
    icon: join(mainDir, '../../resources/icon.png'),
    devServerUrl: env.ELECTRON_RENDERER_URL || undefined
  }
}

/**
 * Creates the main window with safe preferences, blocks navigation and new windows, and loads the
 * renderer (the dev server in `npm run dev`, the built file otherwise).
 * @param Ctor Electron's BrowserWindow (passed in so this module stays testable).
 */
export function createMainWindow(Ctor: typeof BrowserWindow, paths: WindowPaths): BrowserWindow {
  const win = new Ctor({
    width: 1440,
    height: 900,
    minWidth: 960,
    minHeight: 600,
    show: false,
    title: 'Brokerlab',
    backgroundColor: '#101418',
    icon: paths.icon,
    webPreferences: safeWebPreferences(paths.preload)
  })
  win.once('ready-to-show', () => win.show())
  win.webContents.on('will-navigate', (event) => event.preventDefault())
  win.webContents.on('will-redirect', (event) => event.preventDefault())
  win.webContents.on('will-attach-webview', (event) => event.preventDefault())
  win.webContents.setWindowOpenHandler(() => ({ action: 'deny' }))
  if (paths.devServerUrl) void win.loadURL(paths.devServerUrl)
  else void win.loadFile(paths.rendererHtml)
  return win
}
