/**
 * 405 with `Allow` for a known path called with a method it does not take
 * (fastify answers those 404). Each path gets one hidden route for its other
 * methods, at the auth level of the most open route of the path, so a 405
 * says no more than the OpenAPI document does.
 */
import type { FastifyInstance, HTTPMethods } from 'fastify';
import type { AuthLevel } from './auth.ts';
import { MethodNotAllowed } from './errors.ts';

const methods: HTTPMethods[] = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];
const openness: Record<AuthLevel, number> = { none: 0, api: 1, admin: 2 };

/** Starts collecting routes; call the returned function once every route is registered. */
export function collectRoutes(app: FastifyInstance, skipPrefixes: readonly string[]): () => void {
  const paths = new Map<string, { methods: Set<string>; auth: AuthLevel }>();
  app.addHook('onRoute', (route) => {
    if (skipPrefixes.some((prefix) => route.url.startsWith(prefix))) return;
    const entry = paths.get(route.url) ?? { methods: new Set<string>(), auth: 'admin' as AuthLevel };
    for (const method of [route.method].flat()) entry.methods.add(method);
    const auth = route.config?.auth ?? 'api';
    if (openness[auth] < openness[entry.auth]) entry.auth = auth;
    paths.set(route.url, entry);
  });
  return () => {
    for (const [url, { methods: taken, auth }] of [...paths]) {
      const others = methods.filter((m) => !taken.has(m) && !(m === 'HEAD' && taken.has('GET')));
      if (others.length === 0) continue;
      const allow = [...taken].join(', ');
      app.route({
        method: others,
        url,
        config: { auth },
        schema: { hide: true },
        handler: async (request, reply) => {
          reply.header('allow', allow);
          throw new MethodNotAllowed(request.method, url, allow);
        },
      });
    }
  };
}
