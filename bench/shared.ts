/** What the benchmark's processes share: the account they pretend to be, and how a child says it is ready. */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export const BENCH_ACCOUNT_SID = 'AC' + 'b'.repeat(32);
export const BENCH_AUTH_TOKEN = 'bench-auth-token';
/** A message SID the stub knows. */
export const BENCH_MESSAGE_SID = 'SM' + '7'.repeat(32);

/** Prints the line the orchestrator waits for. */
export function announce(server: Server): void {
  const { port } = server.address() as AddressInfo;
  console.log(`READY http://127.0.0.1:${port}`);
}

/** Twilio's OpenAPI spec, which the GraphQL Mesh baseline is generated from; without it, that baseline is skipped. */
export const OPENAPI_SPEC = process.env['TWILIO_OPENAPI_SPEC'] ?? '../shared/twilio/twilio_api_v2010.json';

/** The environment every server under test gets: the stub at `stubUrl` as Twilio, production posture, no caller auth, no send budget in the way. */
export function serverEnv(stubUrl: string): Record<string, string> {
  return {
    TWILIO_ACCOUNT_SID: BENCH_ACCOUNT_SID,
    TWILIO_AUTH_TOKEN: BENCH_AUTH_TOKEN,
    TWILIO_API_BASE_URL: stubUrl,
    NODE_ENV: 'production',
    GATEWAY_AUTH: 'none',
    SEND_RATE_LIMIT: '100000',
    PORT: '0',
    TWILIO_OPENAPI_SPEC: OPENAPI_SPEC,
  };
}
