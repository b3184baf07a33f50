/** `npm run emulator`: the Twilio emulator alone, on EMULATOR_PORT (default 4010). */
import { ConfigError, loadEmulatorConfig } from '../config.js';
import { listenHint } from '../http.js';
import { createEmulator } from './server.js';

async function main(): Promise<void> {
  const config = loadEmulatorConfig();
  const emulator = createEmulator({ account: config.account });
  const url = await emulator.start(config.port, '127.0.0.1').catch((error: unknown) => {
    const hint = listenHint(error, 'EMULATOR_PORT', config.port);
    if (!hint) throw error;
    console.error(`emulator: ${hint}`);
    process.exit(1);
  });
  console.log(`Twilio emulator on ${url}`);
  console.log(`  account SID  ${config.account.accountSid}`);
  console.log(`  auth token   ${config.account.authToken}`);
  for (const number of emulator.numbers.list()) console.log(`  number       ${number.phoneNumber} (${number.sid})`);
  const stop = (): void => {
    void emulator.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? `configuration error: ${error.message}` : error);
  process.exit(1);
});
