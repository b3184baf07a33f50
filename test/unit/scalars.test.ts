/** The custom scalars' input rules. */
import { DateTimeScalar, URLScalar } from '../../src/graphql/resolvers/scalars.js';

describe('DateTime', () => {
  it.each([
    ['2026-01-15', '2026-01-15T00:00:00.000Z'],
    ['2026-01-15T12:30:00Z', '2026-01-15T12:30:00.000Z'],
    ['2026-01-15T12:30:00+02:00', '2026-01-15T10:30:00.000Z'],
    ['2024-02-29T00:00:00Z', '2024-02-29T00:00:00.000Z'],
  ])('reads %s as %s', (input, expected) => {
    expect(DateTimeScalar.parseValue(input)).toBe(expected);
  });

  it.each(['2026-02-30', '2025-02-29T00:00:00Z', '2026-01-15T24:00:00Z', '2026-01-15T12:60:00Z', '2026-01-15T12:00:00', 'tomorrow'])('refuses %s', (input) => {
    expect(() => DateTimeScalar.parseValue(input)).toThrow(/DateTime must be a real date/);
  });
});

describe('URL', () => {
  it('takes any absolute http(s) URL and leaves the rest to Twilio (which answers a userError)', () => {
    expect(URLScalar.parseValue('https://media_cdn.example.com/a.jpg')).toBe('https://media_cdn.example.com/a.jpg');
    expect(URLScalar.parseValue('http://127.0.0.1:8080/cb')).toBe('http://127.0.0.1:8080/cb');
  });

  it.each(['ftp://example.com/a.jpg', '/relative/path', 'javascript:alert(1)'])('refuses %s', (input) => {
    expect(() => URLScalar.parseValue(input)).toThrow('URL must be an absolute http(s) URL');
  });
});
