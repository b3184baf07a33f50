/** Log redaction: credentials and account SIDs never reach a log line. */
import { redact, redactText } from '../../src/telemetry/log.js';

describe('redaction', () => {
  it('removes Basic and Bearer credentials, account SIDs and URL credentials from text', () => {
    const sid = 'AC' + 'f'.repeat(32);
    const text = redactText(`Authorization: Basic QUM6dG9rZW4= then Bearer eyJhbGciOi.x.y at https://${sid}:tok@api.twilio.com/x ${sid}`);
    expect(text).not.toMatch(/QUM6dG9rZW4=|eyJhbGciOi|tok@|f{32}/);
  });

  it('blanks values under secret-sounding keys, at any depth', () => {
    const out = JSON.stringify(redact({ headers: { Authorization: 'Basic abc', 'x-twilio-signature': 'sig' }, authToken: 't0k', nested: [{ password: 'p' }], ok: 'visible' }));
    expect(out).not.toMatch(/abc|sig"|t0k|"p"/);
    expect(out).toContain('visible');
  });
});

describe('redactText on name=value credentials', () => {
  it.each([
    ['Invalid To token=abcd1234secret', 'Invalid To token=[redacted]'],
    ['see https://x.example/cb?auth_token=s3cr3t&To=+1415', 'see https://x.example/cb?auth_token=[redacted]&To=+1415'],
    ['{"api_key": "k-123", "ok": 1}', '{"api_key": "[redacted]", "ok": 1}'],
    ['X-Twilio-Signature: abc/def=', 'X-Twilio-Signature: [redacted]'],
  ])('redacts %j', (input, expected) => {
    expect(redactText(input)).toBe(expected);
  });

  it('leaves ordinary words alone', () => {
    expect(redactText('The token bucket is empty; retry later.')).toBe('The token bucket is empty; retry later.');
  });
});

describe('redactText on what an odd upstream answer may carry', () => {
  it.each([
    ['Token fedcba9876543210fedcba9876543210 rejected', 'Token [redacted] rejected'],
    ['see sid_AC0123456789abcdef0123456789abcdef', 'see sid_AC[redacted]'],
    ['lower ac0123456789abcdef0123456789abcdef', 'lower AC[redacted]'],
  ])('redacts %j', (input, expected) => {
    expect(redactText(input)).toBe(expected);
  });

  it('keeps message SIDs, which are not secret', () => {
    expect(redactText('message SM0123456789abcdef0123456789abcdef')).toBe('message SM0123456789abcdef0123456789abcdef');
  });
});
