/** Log redaction: credentials and account SIDs never reach a log line. */
import { redact, redactText } from '../../src/log.js';

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
