/** Handlers of `produce/*`: a send checked whole and written in chunks (../produce-sender.ts). */
import { sendProduce } from '../produce-sender'
import type { HandlerContext, NamespaceHandlers } from './handler-context'

/** produce/send. */
export function produceHandlers(ctx: HandlerContext): NamespaceHandlers<'produce'> {
  return { 'produce/send': (req) => sendProduce(ctx.cluster, req, { clock: ctx.clock }) }
}
