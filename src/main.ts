/**
 * `npm start`: load the configuration, start the embedded Twilio emulator when no upstream is
 * configured, then the gateway. SIGTERM/SIGINT drain in-flight requests before exiting.
 */
import { ConfigError, DEFAULT_ACCOUNT, loadConfig, type Config } from './config.js';
import { createEmulator, type Emulator } from './emulator/server.js';
import { createGateway, INBOUND_PATH } from './server/gateway.js';
import { listenHint } from './http.js';
import { postureWarnings } from './posture.js';

async function main(): Promise<void> {
  let config: Readonly<Config> = loadConfig();
  let emulator: Emulator | undefined;
  if (config.embeddedEmulator) {
    emulator = createEmulator({ account: DEFAULT_ACCOUNT });
    const emulatorUrl = await emulator.start(0);
    config = Object.freeze({ ...config, twilio: { ...config.twilio, baseUrl: emulatorUrl } });
    console.log(`Embedded Twilio emulator on ${emulatorUrl}`);
    console.log(`  account SID ${emulator.account.accountSid}   auth token ${emulator.account.authToken}`);
    console.log('  (set TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN to use a real Twilio account)');
  }
  const gateway = createGateway(config);
  let url: string;
  try {
    url = await gateway.start(config.port, config.host);
  } catch (error) {
    const hint = listenHint(error, 'PORT', config.port);
    if (!hint) throw error;
    console.error(`gateway: ${hint}`);
    await emulator?.stop();
    process.exit(1);
  }
  // The embedded emulator's numbers send their inbound messages to the gateway, as a real number's SmsUrl would.
  emulator?.setSmsUrl(`${url}${INBOUND_PATH}`);
  for (const warning of postureWarnings(config, url)) console.warn(warning);
  console.log(`GraphQL gateway on ${url}/graphql${config.production ? '' : ` (in a browser: ${url}/ is the inbox, ${url}/graphql the explorer)`}`);

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: draining in-flight requests`);
    void gateway
      .stop()
      .then(() => emulator?.stop())
      .then(() => process.exit(0));
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? `configuration error: ${error.message}` : error);
  process.exit(1);
});
