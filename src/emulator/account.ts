/** The account the emulator serves and the credentials it accepts. */

/** An account with its auth token and the API keys that may act for it. */
export interface EmulatorAccount {
  accountSid: string;
  authToken: string;
  /** API keys (`SK…` SID and secret) that may act for the account. */
  apiKeys: ReadonlyArray<{ sid: string; secret: string }>;
}

/** The account the emulator serves when none is configured (documented in the README). */
export const DEFAULT_ACCOUNT: EmulatorAccount = {
  accountSid: 'AC0123456789abcdef0123456789abcdef',
  authToken: 'fedcba9876543210fedcba9876543210',
  apiKeys: [{ sid: 'SK0123456789abcdef0123456789abcdef', secret: 'emulator-api-key-secret' }],
};
