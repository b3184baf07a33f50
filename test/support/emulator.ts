/** Test helpers around the emulator: start one on port 0, and a twilio-node client pointed at it. */
import twilio from 'twilio';
import { DEFAULT_ACCOUNT } from '../../src/config.js';
import { createEmulator, type Emulator, type EmulatorOptions } from '../../src/emulator/server.js';
import { ManualClock } from '../../src/emulator/clock.js';

/** Starts an emulator on a free port with a manual clock (unless another is given) and no seed data. */
export async function startEmulator(options: Partial<EmulatorOptions> = {}): Promise<Emulator & { clock: ManualClock }> {
  const clock = options.clock instanceof ManualClock ? options.clock : new ManualClock(Date.now());
  const emulator = createEmulator({ seed: false, log: () => {}, account: DEFAULT_ACCOUNT, ...options, clock });
  await emulator.start(0);
  return Object.assign(emulator, { clock });
}

/** The official Twilio client, talking to the emulator. */
export function twilioClientFor(emulator: Emulator, credentials?: { username: string; password: string }): twilio.Twilio {
  const username = credentials?.username ?? emulator.account.accountSid;
  const password = credentials?.password ?? emulator.account.authToken;
  const client = twilio(username, password, { accountSid: emulator.account.accountSid });
  client.api.baseUrl = emulator.url;
  return client;
}

/** The `Authorization` header of Twilio's Basic auth for an account (what the twilio client sends). */
export const basicAuth = (account: { accountSid: string; authToken: string }): string =>
  `Basic ${Buffer.from(`${account.accountSid}:${account.authToken}`).toString('base64')}`;
