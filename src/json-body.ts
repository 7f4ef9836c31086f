/**
 * The JSON body parser: fastify's own rules (secure-json-parse: `__proto__` and
 * `constructor.prototype` keys refused) plus a nesting limit, so a 10,000-deep
 * body cannot overflow a stack later (ajv, cell keys, IPC to the workers).
 */
import type { FastifyInstance } from 'fastify';
import secureJson from 'secure-json-parse';
import { InvalidJson, TooDeep } from './errors.ts';
import { nestsDeeperThan } from '../rewards/lib/json-depth.ts';
import { keepReferenceTexts } from './reference-text.ts';

const MAX_JSON_DEPTH = 64; // requests are a few levels deep; references and metadata get ample room

export function installJsonBodyParser(app: FastifyInstance): void {
  // JSON is the only body the API reads: a JSON body sent as text/plain is a 415 naming the type, not a string.
  app.removeContentTypeParser(['application/json', 'text/plain']);
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    const text = body as string;
    // Empty or only whitespace (JSON's four characters, or any other Unicode space, as String.trim sees it).
    if (text.trim() === '') return done(new InvalidJson('Body is empty'), undefined);
    let value: unknown;
    try {
      value = secureJson.parse(text, undefined, { protoAction: 'error', constructorAction: 'error' });
    } catch (error) {
      return done(new InvalidJson(`Invalid JSON body: ${(error as Error).message}`), undefined);
    }
    if (nestsDeeperThan(value, MAX_JSON_DEPTH)) return done(new TooDeep(MAX_JSON_DEPTH), undefined);
    keepReferenceTexts(value, () => text);
    done(null, value);
  });
}
