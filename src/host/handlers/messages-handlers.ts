/** Handlers of `messages/*`: pages of records for the message browser (../message-fetcher.ts). */
import { fetchMessages } from '../message-fetcher'
import type { HandlerContext, NamespaceHandlers } from './handler-context'

/** messages/fetch. */
export function messagesHandlers(ctx: HandlerContext): NamespaceHandlers<'messages'> {
  return { 'messages/fetch': (req) => fetchMessages(ctx.cluster, req) }
}
