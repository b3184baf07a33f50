/** The account the emulator serves and the credentials it accepts. */

/** An account with its auth token and the API keys that may act for it. */
export interface EmulatorAccount {
  accountSid: string;
  authToken: string;
  /** API keys (`SK…` SID and secret) that may act for the account. */
  apiKeys: ReadonlyArray<{ sid: string; secret: string }>;
}
