/** Configuration: one typed object, and a one-line error naming the variable for every bad value. */
import { ConfigError, DEFAULT_ACCOUNT, DEFAULT_SEND_RATE_LIMIT, DEFAULT_TWILIO_MAX_CONCURRENCY, loadConfig } from '../../src/config.js';

const SID = 'AC' + '1'.repeat(32);

describe('loadConfig', () => {
  it('uses the embedded emulator when no upstream is configured', () => {
    const config = loadConfig({});
    expect(config.embeddedEmulator).toBe(true);
    expect(config.twilio.accountSid).toBe(DEFAULT_ACCOUNT.accountSid);
    expect(config.port).toBe(4000);
    expect(config.auth.disabled).toBe(true);
    expect(config.sendRateLimitPerMinute).toBe(DEFAULT_SEND_RATE_LIMIT);
    expect(config.twilio.maxConcurrency).toBe(DEFAULT_TWILIO_MAX_CONCURRENCY);
    expect(config.corsOrigins).toEqual(['http://localhost:*', 'http://127.0.0.1:*']);
    expect(config.federation).toBe(false);
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('reads a real account, with the auth token or an API key', () => {
    const token = loadConfig({ TWILIO_ACCOUNT_SID: SID, TWILIO_AUTH_TOKEN: 'tok', GATEWAY_AUTH: 'none' });
    expect([token.embeddedEmulator, token.twilio.baseUrl, token.twilio.username, token.twilio.password]).toEqual([false, 'https://api.twilio.com', SID, 'tok']);
    const key = loadConfig({ TWILIO_ACCOUNT_SID: SID, TWILIO_API_KEY: 'SK' + '2'.repeat(32), TWILIO_API_SECRET: 'sec', GATEWAY_API_KEYS: 'k' });
    expect([key.twilio.accountSid, key.twilio.username, key.twilio.password]).toEqual([SID, 'SK' + '2'.repeat(32), 'sec']);
  });

  it('refuses live Twilio credentials without caller auth, unless GATEWAY_AUTH=none says so on purpose', () => {
    const live = { TWILIO_ACCOUNT_SID: SID, TWILIO_AUTH_TOKEN: 'tok' };
    expect(() => loadConfig(live)).toThrow(/GATEWAY_API_KEYS.*GATEWAY_AUTH=none/);
    expect(loadConfig({ ...live, GATEWAY_AUTH: 'none' })).toMatchObject({ liveUpstream: true, auth: { disabled: true, disabledOnPurpose: true } });
    // An emulator on this machine is not live: no billed SMS can be sent through it.
    expect(loadConfig({ ...live, TWILIO_API_BASE_URL: 'http://127.0.0.1:4010' })).toMatchObject({ liveUpstream: false, auth: { disabled: true } });
    expect(loadConfig({ ...live, TWILIO_API_BASE_URL: 'http://localhost:4010' }).liveUpstream).toBe(false);
    expect(() => loadConfig({ ...live, TWILIO_API_BASE_URL: 'https://twilio-proxy.example.com' })).toThrow(ConfigError);
  });

  it('listens on 127.0.0.1 in development and 0.0.0.0 in production, unless HOST says otherwise', () => {
    expect(loadConfig({}).host).toBe('127.0.0.1');
    expect(loadConfig({ NODE_ENV: 'production', GATEWAY_API_KEYS: 'k' }).host).toBe('0.0.0.0');
    expect(loadConfig({ HOST: '::1' }).host).toBe('::1');
    expect(loadConfig({}).maxUpstreamCallsPerRequest).toBe(200);
    expect(loadConfig({ MAX_SOCKETS_PER_CALLER: '3' })).toMatchObject({ maxConnections: 10_000, maxSocketsPerCaller: 3, maxSubscriptionsPerCaller: 500 });
    expect([loadConfig({ FEDERATION: 'true' }).federation, loadConfig({ FEDERATION: 'false' }).federation]).toEqual([true, false]);
    expect(loadConfig({}).redis).toBeNull();
    expect(loadConfig({ REDIS_URL: 'redis://:pw@10.0.0.5:6379/2' }).redis).toEqual({ url: 'redis://:pw@10.0.0.5:6379/2', keyPrefix: 'twilio-gateway:' });
    expect(loadConfig({ REDIS_URL: 'rediss://cache.internal', REDIS_KEY_PREFIX: 'blue:' }).redis).toEqual({ url: 'rediss://cache.internal', keyPrefix: 'blue:' });
  });

  it('never echoes a REDIS_URL it refuses: it may hold a password', () => {
    expect(() => loadConfig({ REDIS_URL: 'http://:hunter2@cache' })).toThrow(/^REDIS_URL must be a redis:\/\/ or rediss:\/\/ URL/);
    expect(() => loadConfig({ REDIS_URL: 'http://:hunter2@cache' })).not.toThrow(/hunter2/);
  });

  it.each([
    [{ HOST: 'local host' }, 'HOST'],
    [{ GATEWAY_SECRET: 'short' }, 'GATEWAY_SECRET'],
    [{ MAX_UPSTREAM_CALLS_PER_REQUEST: '0' }, 'MAX_UPSTREAM_CALLS_PER_REQUEST'],
    [{ MAX_CONNECTIONS: '0' }, 'MAX_CONNECTIONS'],
    [{ MAX_SOCKETS_PER_CALLER: 'many' }, 'MAX_SOCKETS_PER_CALLER'],
    [{ MAX_SUBSCRIPTIONS_PER_CALLER: '-1' }, 'MAX_SUBSCRIPTIONS_PER_CALLER'],
    [{ PORT: 'eighty' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ TWILIO_ACCOUNT_SID: 'AC123' }, 'TWILIO_ACCOUNT_SID'],
    [{ TWILIO_ACCOUNT_SID: SID }, 'TWILIO_AUTH_TOKEN'],
    [{ TWILIO_API_BASE_URL: 'http://127.0.0.1:4010' }, 'TWILIO_ACCOUNT_SID'],
    [{ TWILIO_ACCOUNT_SID: SID, TWILIO_AUTH_TOKEN: 't', TWILIO_API_BASE_URL: 'ftp://x' }, 'TWILIO_API_BASE_URL'],
    [{ TWILIO_ACCOUNT_SID: SID, TWILIO_AUTH_TOKEN: 't', TWILIO_API_BASE_URL: 'https://user:pw@api.twilio.com' }, 'TWILIO_API_BASE_URL'],
    [{ TWILIO_ACCOUNT_SID: SID, TWILIO_API_KEY: 'SK1', TWILIO_API_SECRET: 's' }, 'TWILIO_API_KEY'],
    [{ TWILIO_ACCOUNT_SID: SID, TWILIO_API_KEY: 'SK' + '2'.repeat(32) }, 'TWILIO_API_SECRET'],
    [{ TWILIO_MAX_CONCURRENCY: '0' }, 'TWILIO_MAX_CONCURRENCY'],
    [{ SEND_RATE_LIMIT: '-5' }, 'SEND_RATE_LIMIT'],
    [{ GATEWAY_AUTH: 'off' }, 'GATEWAY_AUTH'],
    [{ GATEWAY_AUTH: 'none', GATEWAY_API_KEYS: 'k' }, 'GATEWAY_AUTH'],
    [{ NODE_ENV: 'production' }, 'GATEWAY_API_KEYS'],
    [{ PUBLIC_URL: 'not a url' }, 'PUBLIC_URL'],
    [{ GATEWAY_JWKS_URL: 'nope' }, 'GATEWAY_JWKS_URL'],
    [{ GATEWAY_INTROSPECTION: 'yes' }, 'GATEWAY_INTROSPECTION'],
    [{ FEDERATION: 'yes' }, 'FEDERATION'],
    [{ REDIS_URL: '127.0.0.1:6379' }, 'REDIS_URL'],
    [{ REDIS_KEY_PREFIX: 'has space' }, 'REDIS_KEY_PREFIX'],
  ])('refuses %j with a one-line error naming %s', (env, variable) => {
    let error: unknown;
    try {
      loadConfig(env);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain(variable);
    expect((error as Error).message).not.toContain('\n');
  });
});
