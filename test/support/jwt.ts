/** A JWKS endpoint on 127.0.0.1 with one RS256 key, and a signer of tokens it verifies. */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';

export const JWT_ISSUER = 'https://issuer.test';
export const JWT_AUDIENCE = 'sms-gateway';

/** A running JWKS endpoint. */
export interface Jwks {
  /** The gateway configuration that trusts it. */
  env: Record<string, string>;
  /** A token for `claims`, valid for `expiresIn` (jose's notation: `5m`, `2s`, `-1m`). */
  sign(claims: Record<string, unknown>, options?: { expiresIn?: string; audience?: string }): Promise<string>;
  stop(): Promise<void>;
}

export async function startJwks(): Promise<Jwks> {
  const { publicKey, privateKey } = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'test-key', alg: 'RS256', use: 'sig' };
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ keys: [jwk] }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`;
  return {
    env: { GATEWAY_JWKS_URL: jwksUrl, GATEWAY_JWT_ISSUER: JWT_ISSUER, GATEWAY_JWT_AUDIENCE: JWT_AUDIENCE },
    sign: (claims, options = {}) =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: 'RS256', kid: 'test-key' })
        .setIssuer(JWT_ISSUER)
        .setAudience(options.audience ?? JWT_AUDIENCE)
        .setIssuedAt()
        .setExpirationTime(options.expiresIn ?? '5m')
        .sign(privateKey),
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
