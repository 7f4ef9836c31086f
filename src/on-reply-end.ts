/**
 * The end of a reply, whichever way it comes: `close` fires on every reply,
 * and `finish` before it only when the answer was written in full, so a
 * client that went away first is told apart from one that was answered.
 */
import type { FastifyReply } from 'fastify';

/** Calls `ended` once the reply's connection closes, with whether its answer was written in full. */
export function onReplyEnd(reply: FastifyReply, ended: (finished: boolean) => void): void {
  let finished = false;
  reply.raw.once('finish', () => (finished = true));
  reply.raw.once('close', () => ended(finished));
}
