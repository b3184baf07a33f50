/**
 * Caller authentication, before anything reaches Twilio: `Authorization: Bearer <token>` where the token
 * is one of GATEWAY_API_KEYS (compared in constant time) or a JWT verified against GATEWAY_JWKS_URL.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import type { AuthConfig } from '../config.js';
import type { Caller } from './context.js';

/** Resolves the caller of a request, or null when it is not authenticated (a promise only when a JWT must be checked). */
export type Authenticator = (authorization: string | undefined) => Caller | null | Promise<Caller | null>;

const sha256 = (text: string): Buffer => createHash('sha256').update(text).digest();

/** Builds the authenticator for a configuration; with auth disabled every caller is `anonymous`. */
export function createAuthenticator(config: AuthConfig): Authenticator {
  if (config.disabled) {
    const anonymous: Caller = Object.freeze({ id: 'anonymous' });
    return () => anonymous;
  }
  // Hashing first makes every comparison the same length, so timingSafeEqual never throws or leaks a length.
  // The caller is named by its key's digest, not its place in the list: replicas whose lists differ (a key
  // rotation rolling out) must not take one caller for another and share their idempotency keys and budgets.
  const keys = config.apiKeys.map((key) => {
    const digest = sha256(key);
    return { digest, id: `api-key-${digest.toString('hex').slice(0, 16)}` };
  });
  const jwt = config.jwt;
  const jwks = jwt ? createRemoteJWKSet(new URL(jwt.jwksUrl)) : null;
  const verifyJwt = async (token: string): Promise<Caller | null> => {
    if (!jwt || !jwks) return null;
    try {
      const { payload } = await jwtVerify(token, jwks, {
        issuer: jwt.issuer ?? undefined,
        audience: jwt.audience ?? undefined,
      });
      if (!payload.sub) return null;
      return payload.exp === undefined ? { id: `jwt:${payload.sub}` } : { id: `jwt:${payload.sub}`, expiresAt: payload.exp * 1000 };
    } catch {
      return null;
    }
  };
  return (authorization) => {
    const token = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
    if (!token) return null;
    const digest = sha256(token);
    let match: string | null = null;
    for (const key of keys) if (timingSafeEqual(key.digest, digest)) match = key.id;
    if (match) return { id: match };
    return token.split('.').length === 3 ? verifyJwt(token) : null;
  };
}
