/** Test helpers: the real gateway, configured like production would be, against a real emulator over HTTP. */
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';
import { loadConfig, type Config } from '../../src/config.js';
import type { EmulatorOptions } from '../../src/emulator/server.js';
import { createGateway, type Gateway, type GatewayOptions } from '../../src/server/gateway.js';
import { silentLogger } from '../../src/telemetry/log.js';
import { startEmulator } from './emulator.js';

export type TestEmulator = Awaited<ReturnType<typeof startEmulator>>;

/** An emulator and a gateway in front of it. */
export interface Stack {
  emu: TestEmulator;
  gateway: Gateway;
  url: string;
  stop(): Promise<void>;
}

/** A GraphQL answer as the tests read it. */
export interface GqlResult<T = Record<string, unknown>> {
  status: number;
  data?: T;
  errors?: Array<{ message: string; extensions?: Record<string, unknown>; path?: unknown[] }>;
  raw: string;
}

/** Sends one GraphQL POST; `T` is the shape the test expects in `data`. */
export async function gql<T = Record<string, unknown>>(
  url: string,
  query: string,
  variables?: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<GqlResult<T>> {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  const raw = await response.text();
  const parsed = (raw ? JSON.parse(raw) : {}) as { data?: T; errors?: GqlResult['errors'] };
  return { status: response.status, data: parsed.data, errors: parsed.errors, raw };
}

/** Runs a codegen'd typed document: variables and result are checked by tsc. */
export function run<TData, TVariables extends Record<string, unknown>>(
  url: string,
  document: TypedDocumentNode<TData, TVariables>,
  variables: TVariables,
  headers: Record<string, string> = {},
): Promise<GqlResult<TData>> {
  return gql<TData>(url, print(document), variables, headers);
}

/** Starts an emulator and a gateway pointed at it; `env` adds configuration. */
export async function startStack(
  env: Record<string, string> = {},
  options: { emulator?: EmulatorOptions; gateway?: GatewayOptions } = {},
): Promise<Stack> {
  const emu = await startEmulator(options.emulator);
  const config = loadConfig({
    TWILIO_ACCOUNT_SID: emu.account.accountSid,
    TWILIO_AUTH_TOKEN: emu.account.authToken,
    TWILIO_API_BASE_URL: emu.url,
    ...env,
  });
  return stackOn(emu, config, options.gateway);
}

/** A gateway for `config` in front of `emu`, started on a free port; `stop()` stops both. */
async function stackOn(emu: TestEmulator, config: Readonly<Config>, options: GatewayOptions = {}): Promise<Stack> {
  const gateway = createGateway(config, { logger: silentLogger, ...options });
  const url = await gateway.start(0);
  return {
    emu,
    gateway,
    url,
    async stop() {
      await gateway.stop();
      await emu.stop();
    },
  };
}

/** Starts a gateway in front of any upstream URL (a fake one, for faults), with short timeouts and backoff. */
export async function startGatewayFor(
  upstreamUrl: string,
  account: { sid: string; token: string },
  env: Record<string, string> = {},
  options: GatewayOptions = {},
): Promise<{ gateway: Gateway; url: string }> {
  const config = loadConfig({ TWILIO_ACCOUNT_SID: account.sid, TWILIO_AUTH_TOKEN: account.token, TWILIO_API_BASE_URL: upstreamUrl, ...env });
  const gateway = createGateway(config, {
    logger: silentLogger,
    upstream: { timeouts: { connect: 500, response: 300, total: 1_000 }, retry: { baseDelayMs: 5, maxDelayMs: 1_000 } },
    ...options,
  });
  const url = await gateway.start(0);
  return { gateway, url };
}

/**
 * A gateway as `npm start` runs it (no Twilio configured, so the emulator can call it back and its callbacks
 * and inbound messages reach it), on a test emulator; `env` adds configuration, `emulator` options of the
 * emulator (`seed: true` for npm start's seed messages).
 */
export async function startWiredStack(env: Record<string, string> = {}, emulator: Partial<EmulatorOptions> = {}): Promise<Stack> {
  const emu = await startEmulator(emulator);
  const config = loadConfig(env);
  return stackOn(emu, { ...config, twilio: { ...config.twilio, baseUrl: emu.url } });
}
