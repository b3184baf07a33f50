/**
 * The house rules, read from the sources: data flows one way between the rooms of src/, there are no
 * import cycles, and no source file grows past ~300 lines (generated code aside).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';

const root = new URL('../../src/', import.meta.url).pathname;

/** Every TypeScript source under src/, as a path relative to it. */
function sources(dir = root): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') ? [relative(root, path)] : [];
  });
}

/** Every module specifier a source names: static and dynamic imports, re-exports, types included. */
function specifiersOf(text: string): string[] {
  return [...text.matchAll(/(?:\bfrom|\bimport)\s*\(?\s*['"]([^'"]+)['"]/g)].map((m) => m[1]!);
}

/** The files of ours a source imports, relative to src/. */
function importsOf(file: string, text: string): string[] {
  return specifiersOf(text)
    .filter((spec) => spec.startsWith('.'))
    .map((spec) => normalize(join(dirname(file), spec)).replace(/\.js$/, '.ts'));
}

/** Imports the rules cannot read: a dynamic import of anything but a plain string, or `require`. */
function unreadableImports(text: string): string[] {
  return [...text.matchAll(/\bimport\s*\(\s*[^'"\s)]|\brequire\s*\(|\bcreateRequire\b/g)].map((m) => m[0]);
}

/** Packages that belong to GraphQL and the HTTP front: the rooms below them must not use them. */
const GRAPHQL_PACKAGES = /^(graphql|@apollo\/|@graphql-)/;
const WITHOUT_GRAPHQL: ReadonlySet<string> = new Set(['protocol', 'config', 'http', 'telemetry', 'state', 'twilio', 'emulator']);

/** The room a file lives in: its folder under src/, or the file itself for the few at the top. */
function roomOf(file: string): string {
  if (file === 'emulator/main.ts') return 'entry';
  if (file === 'main.ts' || file === 'posture.ts') return 'entry';
  const slash = file.indexOf('/');
  return slash < 0 ? file.replace(/\.ts$/, '') : file.slice(0, slash);
}

/** Which rooms each room may import (besides itself). Entry points wire everything together. */
const ALLOWED: Readonly<Record<string, readonly string[] | '*'>> = {
  protocol: [],
  config: [],
  http: [],
  telemetry: [],
  state: ['protocol', 'telemetry'],
  twilio: ['protocol', 'telemetry', 'config'],
  graphql: ['protocol', 'telemetry', 'config', 'twilio', 'state', '__generated__'],
  server: ['protocol', 'telemetry', 'config', 'twilio', 'state', 'graphql', 'http', '__generated__'],
  emulator: ['protocol', 'http'],
  __generated__: ['graphql', 'protocol'],
  entry: '*',
};

/** The imports that break the rules, as `from → to` lines. */
function violations(graph: ReadonlyMap<string, readonly string[]>): string[] {
  const found: string[] = [];
  for (const [file, imports] of graph) {
    const room = roomOf(file);
    const allowed = ALLOWED[room];
    if (allowed === undefined) {
      found.push(`${file}: room "${room}" has no rule`);
      continue;
    }
    for (const target of imports) {
      const to = roomOf(target);
      if (allowed !== '*' && to !== room && !allowed.includes(to)) found.push(`${file} → ${target} (${room} may not import ${to})`);
    }
  }
  return found;
}

/** The import cycles, each as the files around it. */
function cycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  const found: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (file: string): void => {
    state.set(file, 'open');
    stack.push(file);
    for (const next of graph.get(file) ?? []) {
      if (state.get(next) === 'open') found.push([...stack.slice(stack.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(file, 'done');
  };
  for (const file of graph.keys()) if (!state.has(file)) visit(file);
  return found;
}

const files = sources();
const texts = new Map(files.map((file) => [file, readFileSync(join(root, file), 'utf8')]));
const graph = new Map(files.map((file) => [file, importsOf(file, texts.get(file)!)]));

describe('the import reader', () => {
  const sample = [
    "import { a } from './a.js';",
    "import type { B } from '../state/b.js';",
    "export * from './c.js';",
    "export type { D } from '../graphql/d.js';",
    "import './side-effect.js';",
    "const e = await import('../server/e.js');",
    "import { GraphQLError } from 'graphql';",
  ].join('\n');

  it('reads static, type-only, re-exported, side-effect and dynamic imports', () => {
    expect(importsOf('twilio/x.ts', sample)).toEqual(['twilio/a.ts', 'state/b.ts', 'twilio/c.ts', 'graphql/d.ts', 'twilio/side-effect.ts', 'server/e.ts']);
    expect(specifiersOf(sample)).toContain('graphql');
  });

  it('flags imports it cannot read', () => {
    expect(unreadableImports('const m = await import(`../graphql/${name}.js`);')).toHaveLength(1);
    expect(unreadableImports('const r = createRequire(import.meta.url);')).toHaveLength(1);
    expect(unreadableImports("const g = require('graphql');")).toHaveLength(1);
    expect(unreadableImports(sample)).toEqual([]);
  });
});

describe('the house rules', () => {
  it('reads a real import graph', () => {
    expect(files.length).toBeGreaterThan(40);
    expect(graph.get('server/gateway.ts')).toEqual(expect.arrayContaining(['graphql/apollo.ts', 'state/memory.ts']));
  });

  it('lets data flow one way between the rooms', () => {
    expect(violations(graph)).toEqual([]);
  });

  it('keeps GraphQL and Apollo out of the rooms below them', () => {
    const found = files.flatMap((file) =>
      WITHOUT_GRAPHQL.has(roomOf(file)) ? specifiersOf(texts.get(file)!).filter((spec) => GRAPHQL_PACKAGES.test(spec)).map((spec) => `${file} → ${spec}`) : [],
    );
    expect(found).toEqual([]);
  });

  it('has only imports it can read', () => {
    expect(files.flatMap((file) => unreadableImports(texts.get(file)!).map((found) => `${file}: ${found}`))).toEqual([]);
  });

  it('has no import cycles', () => {
    expect(cycles(graph)).toEqual([]);
  });

  it('keeps every source file under ~300 lines (generated code aside)', () => {
    const long = files
      .filter((file) => !file.startsWith('__generated__/'))
      .map((file) => ({ file, lines: texts.get(file)!.split('\n').length }))
      .filter(({ lines }) => lines > 300);
    expect(long).toEqual([]);
  });

  it('catches a forbidden import and a cycle when one is added', () => {
    const broken = new Map(graph);
    broken.set('twilio/calls.ts', [...(graph.get('twilio/calls.ts') ?? []), 'graphql/errors.ts']);
    broken.set('protocol/wire.ts', ['protocol/lifecycle.ts']);
    expect(violations(broken)).toEqual(['twilio/calls.ts → graphql/errors.ts (twilio may not import graphql)']);
    expect(cycles(broken)).toContainEqual(['protocol/wire.ts', 'protocol/lifecycle.ts', 'protocol/wire.ts']);
  });
});
