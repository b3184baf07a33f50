/**
 * What a person starting the gateway must not miss: the risks of the posture the configuration puts it in.
 * Printed by `npm start` before anything else it says, one warning per line.
 */
import { DEFAULT_ACCOUNT, isLoopbackHost, type Config } from './config.js';
import { STATUS_CALLBACK_PATH } from './server/webhooks.js';

/** The warnings for a configuration, given the address the gateway listens on. */
export function postureWarnings(config: Readonly<Config>, url: string): string[] {
  const warnings: string[] = [];
  if (config.liveUpstream && config.auth.disabled) {
    warnings.push(
      `WARNING: live Twilio account and GATEWAY_AUTH=none: anyone who can reach ${url} can send billed SMS from it. ` +
        'Set GATEWAY_API_KEYS or GATEWAY_JWKS_URL unless this port is reachable by you alone.',
    );
  }
  if (config.twilio.authToken === DEFAULT_ACCOUNT.authToken) {
    warnings.push(
      `WARNING: status callbacks (${config.publicUrl ?? url}${STATUS_CALLBACK_PATH}) are signed with the emulator's published auth token: ` +
        'anyone who can reach this port can forge one. Fine for trying things out; use a real account and PUBLIC_URL for anything else.',
    );
  } else if (!config.publicUrl) {
    warnings.push(
      `WARNING: PUBLIC_URL is not set: status callbacks are checked against this gateway's own address (${url}${STATUS_CALLBACK_PATH}), ` +
        'which Twilio cannot reach from the internet. Set PUBLIC_URL to the address Twilio posts to.',
    );
  }
  if (config.auth.disabled && !isLoopbackHost(config.host)) {
    warnings.push(`WARNING: listening on ${config.host} with caller auth off: anyone on your network can read messages and send through this gateway.`);
  }
  if (config.redis && !config.gatewaySecret) {
    warnings.push(
      'WARNING: REDIS_URL without GATEWAY_SECRET: each replica signs media links with a random key of its own, so a link ' +
        'made by one replica is refused (403) by the others. Set the same GATEWAY_SECRET on every replica.',
    );
  }
  if (config.production && config.embeddedEmulator) {
    warnings.push('WARNING: production with the embedded emulator: no real message is sent. Set TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN.');
  }
  return warnings;
}
