/**
 * Bearer-key auth. Routes under /v1/ need an API key (VERDICT_API_KEYS) or an
 * admin key; routes marked `config: { auth: 'admin' }` need an admin key
 * (VERDICT_ADMIN_KEYS). An empty key list leaves its routes open. No or an
 * unknown key is 401; a valid API key on an admin route is 403. Keys are
 * compared as sha256 digests in constant time and never logged (the logger
 * redacts the Authorization header; errors never echo the key).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Config } from './config.ts';
import { Forbidden, Unauthenticated } from './errors.ts';

export type AuthLevel = 'admin' | 'api' | 'none';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Who may call the route; default: `api` under /v1/, `none` elsewhere (health, docs, metrics). */
    auth?: AuthLevel;
  }
}

const digest = (key: string) => createHash('sha256').update(key).digest();

/** True when `key` is one of `keys`; looks at every key whatever matches, so timing says nothing. */
function keyring(keys: readonly string[]): { empty: boolean; has(key: string): boolean } {
  const digests = keys.map(digest);
  return {
    empty: digests.length === 0,
    has(key) {
      const candidate = digest(key);
      let found = false;
      for (const d of digests) found = timingSafeEqual(d, candidate) || found;
      return found;
    },
  };
}

function bearer(header: string | undefined): string | undefined {
  const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  return match?.[1];
}

export function installAuth(app: FastifyInstance, config: Pick<Config, 'adminKeys' | 'apiKeys'>): void {
  const admin = keyring(config.adminKeys);
  const api = keyring(config.apiKeys);
  if (admin.empty) app.log.warn('VERDICT_ADMIN_KEYS is not set: anyone who can reach the server may register and deprecate rules');
  app.addHook('onRequest', async (request, reply) => {
    const level = request.routeOptions.config?.auth ?? (request.url.startsWith('/v1/') ? 'api' : 'none');
    if (level === 'none' || (level === 'admin' ? admin.empty : api.empty)) return;
    const key = bearer(request.headers.authorization);
    if (key !== undefined && admin.has(key)) return;
    const isApiKey = key !== undefined && api.has(key);
    if (level === 'api' && isApiKey) return;
    if (isApiKey) throw new Forbidden('register or deprecate rules');
    reply.header('www-authenticate', 'Bearer');
    throw new Unauthenticated();
  });
}
