/** What `npm start` warns about before anything else. */
import { loadConfig } from '../../src/config.js';
import { postureWarnings } from '../../src/posture.js';

describe('posture warnings at start', () => {
  it('warn about a live account without caller auth, and about callbacks without PUBLIC_URL', () => {
    const open = loadConfig({ TWILIO_ACCOUNT_SID: 'AC' + '1'.repeat(32), TWILIO_AUTH_TOKEN: 't', GATEWAY_AUTH: 'none' });
    const warnings = postureWarnings(open, 'http://127.0.0.1:4000');
    expect(warnings).toEqual([
      expect.stringMatching(/^WARNING: live Twilio account and GATEWAY_AUTH=none: anyone who can reach http:\/\/127\.0\.0\.1:4000 can send billed SMS/),
      expect.stringMatching(/^WARNING: PUBLIC_URL is not set/),
    ]);
    expect(postureWarnings(loadConfig({}), 'http://127.0.0.1:4000')).toEqual([expect.stringContaining("signed with the emulator's published auth token")]);
    const safe = loadConfig({ TWILIO_ACCOUNT_SID: 'AC' + '1'.repeat(32), TWILIO_AUTH_TOKEN: 't', GATEWAY_API_KEYS: 'k', PUBLIC_URL: 'https://sms.example.com' });
    expect(postureWarnings(safe, 'http://127.0.0.1:4000')).toEqual([]);
    expect(postureWarnings(loadConfig({ HOST: '0.0.0.0' }), 'http://127.0.0.1:4000')).toContainEqual(
      expect.stringMatching(/^WARNING: listening on 0\.0\.0\.0 with caller auth off: anyone on your network/),
    );
  });

  it('warn about replicas that cannot open each other\'s media links, and name PUBLIC_URL in the emulator warning', () => {
    const replicas = (extra: Record<string, string>) =>
      postureWarnings(loadConfig({ TWILIO_ACCOUNT_SID: 'AC' + '1'.repeat(32), TWILIO_AUTH_TOKEN: 't', GATEWAY_API_KEYS: 'k', PUBLIC_URL: 'https://sms.example.com', REDIS_URL: 'redis://127.0.0.1:6379', ...extra }), 'http://127.0.0.1:4001');
    expect(replicas({})).toEqual([expect.stringMatching(/^WARNING: REDIS_URL without GATEWAY_SECRET: .*refused \(403\) by the others/)]);
    expect(replicas({ GATEWAY_SECRET: 's'.repeat(32) })).toEqual([]);
    expect(postureWarnings(loadConfig({ PUBLIC_URL: 'http://127.0.0.1:4000' }), 'http://127.0.0.1:4001')).toEqual([expect.stringContaining('(http://127.0.0.1:4000/twilio/status-callback)')]);
  });
});
