/** The custom scalars: DateTime (ISO 8601 UTC), PhoneNumber (E.164 or channel address), URL (http/https). */
import { GraphQLError, GraphQLScalarType, Kind, type ValueNode } from 'graphql';
import { isSenderAddress } from '../../protocol/phone.js';
import { httpUrl } from '../../protocol/wire.js';
import { badUserInput } from '../errors.js';


/** Builds a string scalar whose input is checked and normalised by `parse`. */
function stringScalar(name: string, description: string, parse: (value: string) => string): GraphQLScalarType<string, string> {
  const parseValue = (value: unknown): string => {
    if (typeof value !== 'string') throw badUserInput(`${name} must be a string`);
    return parse(value);
  };
  return new GraphQLScalarType<string, string>({
    name,
    description,
    serialize: (value) => {
      if (typeof value !== 'string') throw new GraphQLError(`${name} cannot represent a non-string value`);
      return value;
    },
    parseValue,
    parseLiteral: (ast: ValueNode) => {
      if (ast.kind !== Kind.STRING) throw badUserInput(`${name} must be a string`);
      return parseValue(ast.value);
    },
  });
}

const ISO_WITH_ZONE = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-](\d{2}):(\d{2})))?$/;

/** True when the numbers name a real calendar date and time (Date.parse rolls 2026-02-30 over into March). */
function realDateTime(m: RegExpExecArray): boolean {
  const [year, month, day, hour = 0, minute = 0, second = 0, zoneHours = 0, zoneMinutes = 0] = m.slice(1).map((part) => Number(part ?? 0));
  const date = new Date(Date.UTC(year!, month! - 1, day!));
  return date.getUTCMonth() === month! - 1 && date.getUTCDate() === day && hour < 24 && minute < 60 && second < 60 && zoneHours < 24 && zoneMinutes < 60;
}

export const DateTimeScalar = stringScalar('DateTime', 'ISO 8601 date-time in UTC', (value) => {
  const m = ISO_WITH_ZONE.exec(value);
  // A plain date is that day's midnight in UTC, so a day filter can be given as 2026-01-15.
  const ms = m && realDateTime(m) ? Date.parse(m[4] === undefined ? `${value}T00:00:00Z` : value) : NaN;
  if (Number.isNaN(ms)) {
    throw badUserInput(`DateTime must be a real date in ISO 8601: 2026-01-15, or a time with a zone such as 2026-01-15T12:00:00Z; got "${value.slice(0, 40)}"`);
  }
  return new Date(ms).toISOString();
});

export const PhoneNumberScalar = stringScalar('PhoneNumber', 'E.164 number or channel address', (value) => {
  if (!isSenderAddress(value)) {
    throw badUserInput(`PhoneNumber must be E.164 (+14155550100), a channel address (whatsapp:+14155550100), a short code or an alphanumeric sender ID`);
  }
  return value;
});

export const URLScalar = stringScalar('URL', 'absolute http(s) URL', (value) => {
  if (!httpUrl(value)) throw badUserInput('URL must be an absolute http(s) URL');
  return value;
});
