/**
 * The desktop app's permission policy, on a stand-in session that records the installed handlers:
 * every permission request and check is denied, device permissions too, and device choosers cancel.
 */
import { describe, expect, it } from 'vitest'
import { DEVICE_CHOOSER_EVENTS, denyAllPermissions, type PermissionSessionLike } from '../../../src/main/permissions'

type RequestHandler = Parameters<PermissionSessionLike['setPermissionRequestHandler']>[0]
type CheckHandler = Parameters<PermissionSessionLike['setPermissionCheckHandler']>[0]
type ChooserListener = (event: { preventDefault(): void }, ...args: unknown[]) => void

function standInSession() {
  const recorded = {
    request: null as RequestHandler | null,
    check: null as CheckHandler | null,
    device: null as ((details: unknown) => boolean) | null,
    listeners: new Map<string, ChooserListener>()
  }
  const session: PermissionSessionLike = {
    setPermissionRequestHandler: (h) => void (recorded.request = h),
    setPermissionCheckHandler: (h) => void (recorded.check = h),
    setDevicePermissionHandler: (h) => void (recorded.device = h),
    on: (event, listener) => void recorded.listeners.set(event, listener)
  }
  return { session, recorded }
}

const PERMISSIONS = ['media', 'notifications', 'clipboard-read', 'geolocation', 'openExternal', 'fullscreen', 'midiSysex', 'display-capture', 'unknown']
const webContents = {}

describe('denyAllPermissions', () => {
  it('denies every permission request (callback(false), exactly once)', () => {
    const { session, recorded } = standInSession()
    denyAllPermissions(session)
    expect(recorded.request).toBeTypeOf('function')
    for (const permission of PERMISSIONS) {
      const answers: boolean[] = []
      recorded.request!(webContents, permission, (granted) => answers.push(granted), { requestingUrl: 'app://brokerlab/index.html', isMainFrame: true })
      expect(answers, permission).toEqual([false])
    }
  })

  it('denies every permission check, from our own origin as from any other', () => {
    const { session, recorded } = standInSession()
    denyAllPermissions(session)
    expect(recorded.check).toBeTypeOf('function')
    for (const permission of [...PERMISSIONS, 'hid', 'serial', 'usb'])
      for (const origin of ['app://brokerlab', 'https://evil.example'])
        expect(recorded.check!(webContents, permission, origin, { isMainFrame: true }), `${permission} from ${origin}`).toBe(false)
  })

  it('denies device permissions and cancels HID, serial and USB device choosers', () => {
    const { session, recorded } = standInSession()
    denyAllPermissions(session)
    expect(recorded.device?.({ deviceType: 'hid', origin: 'app://brokerlab' })).toBe(false)
    expect([...recorded.listeners.keys()].sort()).toEqual([...DEVICE_CHOOSER_EVENTS].sort())
    for (const [name, listener] of recorded.listeners) {
      let prevented = false
      const chosen: unknown[][] = []
      const args = name === 'select-serial-port' ? [[{ portId: 'p1' }], webContents] : [{ deviceList: [{ deviceId: 'd1' }] }]
      listener({ preventDefault: () => (prevented = true) }, ...args, (...a: unknown[]) => chosen.push(a))
      expect(prevented, name).toBe(true)
      expect(chosen, name).toEqual([[name === 'select-serial-port' ? '' : undefined]])
    }
  })

  it('works on a session without device handlers (older Electron)', () => {
    const { session, recorded } = standInSession()
    delete session.setDevicePermissionHandler
    delete session.on
    denyAllPermissions(session)
    const answers: boolean[] = []
    recorded.request!(webContents, 'media', (g) => answers.push(g), {})
    expect(answers).toEqual([false])
  })
})
