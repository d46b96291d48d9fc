/**
 * The application window and its hardening: the safe webPreferences (contextIsolation, sandbox,
 * no nodeIntegration, webSecurity), the preload bridge, navigation blocked and new windows denied,
 * and which URL (and so which origin) the renderer is loaded from: `app://brokerlab/index.html`
 * (app-protocol.ts serves out/renderer there), or electron-vite's dev server in `npm run dev`.
 *
 * Must stay true: the renderer never gets Node; the only way out of the page is the preload's
 * contract; no navigation away from the app and no window.open, whatever the page does; the
 * renderer is never loaded from `file://`.
 */
import { join } from 'node:path'
import type { BrowserWindow, BrowserWindowConstructorOptions } from 'electron'
import { APP_INDEX_URL, APP_ORIGIN } from './app-protocol'

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
  /** The built renderer's directory (out/renderer), served as `app://brokerlab/`. */
  rendererDir: string
  /** The window icon (resources/icon.png in the checkout). */
  icon: string
  /** electron-vite's dev server URL (ELECTRON_RENDERER_URL) when running `npm run dev`. */
  devServerUrl?: string
}

/** Paths of the preload and renderer relative to the main bundle's directory. */
export function windowPaths(mainDir: string, env: NodeJS.ProcessEnv = process.env): WindowPaths {
  return {
    preload: join(mainDir, '../preload/index.js'),
    rendererDir: join(mainDir, '../renderer'),
    icon: join(mainDir, '../../resources/icon.png'),
    devServerUrl: env.ELECTRON_RENDERER_URL || undefined
  }
}

/** The URL the window loads: the dev server's in `npm run dev`, else APP_INDEX_URL. */
export function rendererUrl(paths: WindowPaths): string {
  return paths.devServerUrl ?? APP_INDEX_URL
}

/**
 * The renderer's origin as Chromium serialises it (WebFrameMain.origin): APP_ORIGIN, or the dev
 * server's origin (`http://localhost:5173`).
 * @throws when the dev server URL is not an http(s) URL (the IPC origin check could never pass).
 */
export function rendererOrigin(paths: WindowPaths): string {
  if (!paths.devServerUrl) return APP_ORIGIN
  const url = new URL(paths.devServerUrl)
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new Error(`ELECTRON_RENDERER_URL must be an http(s) URL, got "${paths.devServerUrl}"`)
  return url.origin
}

/**
 * Creates the main window with safe preferences, blocks navigation and new windows, and loads the
 * renderer (rendererUrl: the dev server in `npm run dev`, `app://brokerlab/index.html` otherwise;
 * the `app` scheme must be handled by then, see app-protocol.ts).
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
  void win.loadURL(rendererUrl(paths))
  return win
}
