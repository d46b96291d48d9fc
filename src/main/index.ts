/**
 * Electron main process entry (built to out/main/index.js). A thin shell: it registers the `app://`
 * scheme as privileged, and once ready denies every permission, serves the built renderer on
 * `app://brokerlab/`, installs the CSP, starts the engine worker (out/main/engine-worker.js, next to
 * this bundle) on a data directory under userData, registers the IPC adapter, builds the menu and
 * opens the window. Everything with logic lives in testable modules (permissions, app-protocol,
 * engine-host, ipc, export-save, main-window, app-menu, content-security-policy).
 *
 * Must stay true: the scheme is registered before the app is ready; the permission handlers, the
 * protocol handler and the IPC handler are in place before the window loads (requests wait for the
 * engine while it starts); quitting closes the engine (flushing logs and offsets) before exit;
 * one instance per user (the data directory has one owner).
 */
import { join } from 'node:path'
import { app, BrowserWindow, dialog, ipcMain, Menu, protocol, session } from 'electron'
import { EngineHost } from '../host/engine-host'
import { setupIpc } from './ipc'
import { saveExport } from './export-save'
import { createMainWindow, rendererOrigin, windowPaths } from './main-window'
import { appMenuTemplate } from './app-menu'
import { installContentSecurityPolicy } from '../host/content-security-policy'
import { denyAllPermissions } from './permissions'
import { APP_SCHEME, APP_SCHEME_PRIVILEGES, createAppProtocolHandler } from './app-protocol'

let mainWindow: BrowserWindow | null = null
let engine: Promise<EngineHost> | null = null
let quitting = false
const paths = windowPaths(__dirname)

function openWindow(): void {
  mainWindow = createMainWindow(BrowserWindow, paths)
  mainWindow.on('closed', () => (mainWindow = null))
}

/** Registers the app's lifecycle: scheme, permissions, protocol, CSP, engine, IPC, menu, window, clean quit. */
function setup(): void {
  // Electron accepts privileged schemes only before `ready`.
  protocol.registerSchemesAsPrivileged([APP_SCHEME_PRIVILEGES])

  app.on('second-instance', () => {
    if (!mainWindow) return
    if (mainWindow.isMinimized()) mainWindow.restore()
    mainWindow.focus()
  })

  app.on('web-contents-created', (_e, contents) => {
    contents.on('will-navigate', (event) => event.preventDefault())
    contents.setWindowOpenHandler(() => ({ action: 'deny' }))
  })

  void app.whenReady().then(() => {
    denyAllPermissions(session.defaultSession)
    protocol.handle(APP_SCHEME, createAppProtocolHandler(paths.rendererDir))
    installContentSecurityPolicy(session.defaultSession.webRequest)
    engine = EngineHost.start({
      workerScript: join(__dirname, 'engine-worker.js'),
      dataDir: join(app.getPath('userData'), 'cluster'),
      // The brokers listen as Kafka brokers on 127.0.0.1 at the "Listener base port" stored with the cluster (default 9092), 9093, ...
      // (a port in use: that broker's listener is down).
      listeners: { host: '127.0.0.1', portHint: 'set another "Listener base port" in the app (Connect a client); the desktop app uses 9092 and up unless set there' }
    })
    engine.catch((e: Error) => console.error(`Brokerlab: ${e.message}`))
    setupIpc({
      ipcMain,
      engine,
      getWebContents: () => mainWindow?.webContents ?? null,
      rendererOrigin: rendererOrigin(paths),
      local: {
        'messages/export-save': (e, req) =>
          saveExport(e, (o) => (mainWindow ? dialog.showSaveDialog(mainWindow, o) : dialog.showSaveDialog(o)), app.getPath('downloads'), req)
      }
    })
    Menu.setApplicationMenu(Menu.buildFromTemplate(appMenuTemplate(process.platform, !app.isPackaged)))
    openWindow()
    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) openWindow()
    })
  })

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit()
  })

  app.on('before-quit', (event) => {
    if (quitting || !engine) return
    event.preventDefault()
    quitting = true
    engine
      .then((e) => e.close())
      .catch(() => undefined)
      .finally(() => app.quit())
  })
}

// One app instance per user: a second one would contend for the same data directory.
if (app.requestSingleInstanceLock()) setup()
else app.quit()
