/**
 * The desktop app's permission policy: the renderer needs no browser permission at all (no camera,
 * microphone, notifications, geolocation, clipboard reads, HID/serial/USB devices, ...), so every
 * permission request and every permission check of the session is denied. Electron grants them all
 * when no handler is installed, hence these handlers.
 *
 * Must stay true: installed on the session before any window loads (index.ts calls it right after
 * `app.whenReady()`, before the window opens); nothing is ever granted, whatever the permission,
 * origin or frame; device selection (navigator.hid/serial/usb.requestDevice) is cancelled.
 */

/** A device chooser callback: called with no id (or '' for serial ports) it cancels the request. */
type DeviceChooserCallback = (id?: string | null) => void

/**
 * The part of Electron's Session used here (Electron 38's handler shapes, narrowed to what a
 * denying handler needs; a stand-in session in tests records the handlers).
 */
export interface PermissionSessionLike {
  setPermissionRequestHandler(
    handler: (webContents: unknown, permission: string, callback: (granted: boolean) => void, details: unknown) => void
  ): void
  setPermissionCheckHandler(
    handler: (webContents: unknown, permission: string, requestingOrigin: string, details: unknown) => boolean
  ): void
  /** Device permission checks (HID, serial, USB); Electron 38 has it, older versions may not. */
  setDevicePermissionHandler?(handler: (details: unknown) => boolean): void
  /** Device chooser events: select-hid-device, select-usb-device (details, callback), select-serial-port (ports, webContents, callback). */
  on?(event: string, listener: (event: { preventDefault(): void }, ...args: unknown[]) => void): unknown
}

/** The device chooser events of a Session that a handler may answer (Electron's session events). */
export const DEVICE_CHOOSER_EVENTS = ['select-hid-device', 'select-serial-port', 'select-usb-device'] as const

/**
 * Installs the deny-everything policy on `session` (Electron's `session.defaultSession`):
 * `setPermissionRequestHandler` answers `callback(false)`, `setPermissionCheckHandler` and
 * `setDevicePermissionHandler` return false, and the device chooser events cancel the choice
 * (an empty choice is Electron's "cancel"). See Electron's security checklist, "Handle session
 * permission requests from remote content".
 */
export function denyAllPermissions(session: PermissionSessionLike): void {
  session.setPermissionRequestHandler((_webContents, _permission, callback) => callback(false))
  session.setPermissionCheckHandler(() => false)
  session.setDevicePermissionHandler?.(() => false)
  for (const name of DEVICE_CHOOSER_EVENTS) {
    session.on?.(name, (event, ...args) => {
      event.preventDefault()
      const callback = args[args.length - 1]
      if (typeof callback === 'function') (callback as DeviceChooserCallback)(name === 'select-serial-port' ? '' : undefined)
    })
  }
}
