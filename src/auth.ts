/**
 * Caller authentication, before anything reaches Twilio: `Authorization: Bearer <token>` where the token
 * is one of GATEWAY_API_KEYS (compared in constant time) or a JWT verified against GATEWAY_JWKS_URL.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import type { AuthConfig } from './config.js';
import type { Caller } from './context.js';

/** Resolves the caller of a request, or null when the request is not authenticated. */
export type Authenticator = (authorization: string | undefined) => Promise<Caller | null>;

const sha256 = (text: string): Buffer => createHash('sha256').update(text).digest();

/** Builds the authenticator for a configuration; with auth disabled every caller is `anonymous`. */
export function createAuthenticator(config: AuthConfig): Authenticator {
  if (config.disabled) return async () => ({ id: 'anonymous' });
  // Hashing first makes every comparison the same length, so timingSafeEqual never throws or leaks a length.
  const keys = config.apiKeys.map((key, index) => ({ digest: sha256(key), id: `api-key-${index + 1}` }));
  const jwt = config.jwt;
  const jwks = jwt ? createRemoteJWKSet(new URL(jwt.jwksUrl)) : null;
  return async (authorization) => {
    const token = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
    if (!token) return null;
    const digest = sha256(token);
    let match: string | null = null;
    for (const key of keys) if (timingSafeEqual(key.digest, digest)) match = key.id;
    if (match) return { id: match };
    if (!jwt || !jwks || token.split('.').length !== 3) return null;
    try {
      const { payload } = await jwtVerify(token, jwks, {
        issuer: jwt.issuer ?? undefined,
        audience: jwt.audience ?? undefined,
      });
      return payload.sub ? { id: `jwt:${payload.sub}` } : null;
    } catch {
      return null;
    }
  };
}
