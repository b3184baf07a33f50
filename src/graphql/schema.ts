/** The schema's SDL, read from schema/*.graphql (one file per area), in file-name order. */
import { readdirSync, readFileSync } from 'node:fs';

/** The SDL of schema/*.graphql, in file-name order. */
export function loadTypeDefs(): string {
  const dir = new URL('../../schema/', import.meta.url);
  return readdirSync(dir)
    .filter((name) => name.endsWith('.graphql'))
    .sort()
    .map((name) => readFileSync(new URL(name, dir), 'utf8'))
    .join('\n');
}
