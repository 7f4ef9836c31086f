/**
 * Bearer-key auth, decided from the route the router matched, never from the
 * URL text (percent-encoding, `//`, `..` or case would otherwise pick the
 * level). Every route has a level in its `config.auth`: `admin` (an admin key,
 * VERDICT_ADMIN_KEYS), `api` (an API key or an admin key, VERDICT_API_KEYS) or
 * `none`. A route that does not say is `api`, and so is a request no route
 * matched: forgetting a level closes a route, it never opens one.
 *
 * An empty API key list leaves `api` routes open. An empty admin key list
 * closes `admin` routes (403 naming VERDICT_ADMIN_KEYS) unless registration
 * was opened: VERDICT_OPEN_REGISTRATION=on, or by default when the server
 * listens on loopback only. No or an unknown key is 401; a valid API key on an
 * admin route is 403. Keys are compared as sha256 digests in constant time and
 * never logged.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Config } from './config.ts';
import { callerOf, type Caller } from './caller.ts';
import { Forbidden, RegistrationClosed, Unauthenticated } from './errors.ts';

export type AuthLevel = 'admin' | 'api' | 'none';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Who may call the route; a route that does not say is `api`. */
    auth?: AuthLevel;
    /** The route also takes its key as `?api_key=`, for clients that cannot send headers (OpenRLHF). */
    urlKey?: boolean;
  }
  interface FastifyRequest {
    /** Whose request this is, set before any other hook reads it (caller.ts). */
    caller: Caller;
  }
}

/** The query parameter a `urlKey` route reads its key from. */
const URL_KEY_PARAM = 'api_key';

const digest = (key: string) => createHash('sha256').update(key).digest();

/** True when a key's digest is one of `keys`'; looks at every key whatever matches, so timing says nothing. */
function keyring(keys: readonly string[]): { empty: boolean; has(candidate: Buffer): boolean } {
  const digests = keys.map(digest);
  return {
    empty: digests.length === 0,
    has(candidate) {
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

function urlKey(request: FastifyRequest): string | undefined {
  const value = (request.query as Record<string, unknown> | undefined)?.[URL_KEY_PARAM];
  return typeof value === 'string' && value !== '' ? value : undefined; // a repeated parameter is no key
}

/** HOST values that only this machine can reach. */
function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host) || host === '::ffff:127.0.0.1';
}

/** Whether admin routes are open when no admin key is set: the explicit setting, else loopback only. */
export function registrationOpen(config: Pick<Config, 'host' | 'openRegistration'>): boolean {
  return config.openRegistration ?? isLoopback(config.host);
}

/**
 * `openPrefixes`: routes added by plugins that cannot carry a config (Swagger UI's pages), open by
 * their declared path.
 */
export function installAuth(
  app: FastifyInstance,
  config: Pick<Config, 'adminKeys' | 'apiKeys' | 'host' | 'openRegistration'>,
  openPrefixes: readonly string[],
): void {
  const admin = keyring(config.adminKeys);
  const api = keyring(config.apiKeys);
  const open = admin.empty && registrationOpen(config);
  if (open) app.log.warn('VERDICT_ADMIN_KEYS is not set and registration is open: anyone who can reach the server may register and deprecate rules');
  else if (admin.empty) app.log.info('VERDICT_ADMIN_KEYS is not set: registering and deprecating rules is closed');

  app.decorateRequest('caller', null as unknown as Caller);
  app.addHook('onRoute', (route) => {
    if (route.config?.auth !== undefined) return;
    const level: AuthLevel = openPrefixes.some((prefix) => route.url.startsWith(prefix)) ? 'none' : 'api';
    route.config = { ...route.config, auth: level };
  });
  app.addHook('onRequest', async (request, reply) => {
    const route = request.routeOptions.config;
    const level: AuthLevel = route?.auth ?? 'api';
    const key = bearer(request.headers.authorization) ?? (route?.urlKey ? urlKey(request) : undefined);
    const keyDigest = key === undefined ? undefined : digest(key); // the one hash of the key, for the caller and both keyrings
    request.caller = callerOf(keyDigest?.toString('base64url').slice(0, 16), request.raw.socket);
    if (level === 'none') return;
    if (level === 'admin' && admin.empty) {
      if (open) return;
      throw new RegistrationClosed();
    }
    if (level === 'api' && api.empty) return;
    if (keyDigest !== undefined && admin.has(keyDigest)) return;
    const isApiKey = keyDigest !== undefined && api.has(keyDigest);
    if (level === 'api' && isApiKey) return;
    if (isApiKey) throw new Forbidden('register or deprecate rules');
    reply.header('www-authenticate', 'Bearer');
    throw new Unauthenticated();
  });
}

/**
 * A URL as logs may show it: every `api_key` query value replaced, however its
 * name is encoded (the query parser decodes names, so `api%5Fkey` is a key too).
 */
export function redactUrl(url: string): string {
  const at = url.indexOf('?');
  if (at < 0) return url;
  const query = url
    .slice(at + 1)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      const name = eq < 0 ? pair : pair.slice(0, eq);
      let decoded = name;
      try {
        decoded = decodeURIComponent(name.replace(/\+/g, ' '));
      } catch {
        // a malformed escape: compare the name as sent
      }
      return decoded.toLowerCase() === URL_KEY_PARAM ? `${name}=[REDACTED]` : pair;
    });
  return `${url.slice(0, at)}?${query.join('&')}`;
}
