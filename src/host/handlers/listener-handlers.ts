/**
 * Handlers of `listener/*`: the brokers' listener settings of this host (issue 10, "Listener base
 * port"): read them, and store a new base port with the cluster (listener-settings-file.ts) and move
 * this host's listeners there.
 *
 * Must stay true: a base port breaking listenerBasePortProblem (src/shared/listener-port.ts) is
 * refused with INVALID_REQUEST naming the rule, before anything is stored or moved; the value is
 * stored before the listeners move, so a move that leaves a listener down (port in use) is still
 * what the next open uses, and the user fixes it by choosing another base port.
 */
import { KafkaError } from '../../broker/model/errors'
import type { ListenerSettingsView } from '../../shared/contract'
import { listenerBasePortProblem } from '../../shared/listener-port'
import { readListenerSettings, writeListenerSettings } from '../listener-settings-file'
import type { HandlerContext, NamespaceHandlers } from './handler-context'

/** listener/settings, listener/base-port. */
export function listenerHandlers({ cluster, listeners }: HandlerContext): NamespaceHandlers<'listener'> {
  const dataDir = listeners?.dataDir() ?? null
  const view = (): ListenerSettingsView => ({
    running: listeners !== null,
    basePort: listeners?.configuredBasePort() ?? null,
    storedBasePort: dataDir === null ? null : readListenerSettings(dataDir).basePort,
    brokers: cluster.brokers().length
  })
  return {
    'listener/settings': () => view(),
    'listener/base-port': async ({ basePort }) => {
      const problem = listenerBasePortProblem(basePort, cluster.brokers().length)
      if (problem) throw new KafkaError('INVALID_REQUEST', problem)
      if (!listeners || dataDir === null) throw new KafkaError('INVALID_REQUEST', 'This host runs no Kafka listeners for the brokers, so it has no listener base port to set')
      writeListenerSettings(dataDir, basePort)
      await listeners.rebind(basePort)
      return view()
    }
  }
}
