/**
 * The JSON body parser: fastify's own rules (secure-json-parse: `__proto__` and
 * `constructor.prototype` keys refused) plus a nesting limit, checked on the raw
 * text before parsing, so a 10,000-deep body cannot overflow a stack later
 * (ajv, cell keys, IPC to the workers).
 */
import type { FastifyInstance } from 'fastify';
import secureJson from 'secure-json-parse';
import { InvalidJson, TooDeep } from './errors.ts';

export const MAX_JSON_DEPTH = 64; // requests are a few levels deep; references and metadata get ample room

/** Deepest nesting of arrays and objects in JSON text (strings skipped); stops counting past `limit`. */
export function jsonDepth(text: string, limit: number): number {
  let depth = 0;
  let deepest = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      // skip a string, honouring escapes
      for (i++; i < text.length && text.charCodeAt(i) !== 0x22; i++) if (text.charCodeAt(i) === 0x5c) i++;
    } else if (c === 0x5b || c === 0x7b) {
      if (++depth > deepest && (deepest = depth) > limit) return deepest;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return deepest;
}

export function installJsonBodyParser(app: FastifyInstance): void {
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    const text = body as string;
    if (text.trim() === '') return done(new InvalidJson('Body is empty'), undefined);
    if (jsonDepth(text, MAX_JSON_DEPTH) > MAX_JSON_DEPTH) return done(new TooDeep(MAX_JSON_DEPTH), undefined);
    try {
      done(null, secureJson.parse(text, undefined, { protoAction: 'error', constructorAction: 'error' }));
    } catch (error) {
      done(new InvalidJson(`Invalid JSON body: ${(error as Error).message}`), undefined);
    }
  });
}
