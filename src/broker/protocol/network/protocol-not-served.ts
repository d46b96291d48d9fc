/**
 * The stand-in FrameHandler the listeners use until the Kafka protocol's request handling
 * (KafkaApis) is plugged in: it refuses every request, so the listener closes the connection with
 * a log line saying the protocol is not served yet. A client then sees a closed connection (as from
 * a broker that is going down), never a wrong answer.
 *
 * Must stay true: it never answers bytes.
 */
import type { FrameHandler } from '../frame-handler'

/** The reason in the listener's log line when the stand-in refuses a request. */
export const PROTOCOL_NOT_SERVED = 'Kafka protocol not served yet: this build of Brokerlab accepts connections but does not answer Kafka requests'

/** A FrameHandler that refuses every frame (the listener closes the connection, logging PROTOCOL_NOT_SERVED). */
export function protocolNotServedHandler(): FrameHandler {
  return {
    handleFrame: () => {
      throw new Error(PROTOCOL_NOT_SERVED)
    }
  }
}
