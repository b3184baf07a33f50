/**
 * The README's frontend recipe, run as a frontend developer would: its codegen.yml, exactly as printed,
 * against a live gateway's URL, then the generated client compiled under `moduleResolution: nodenext`.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, symlink, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startStack } from '../support/gateway.js';

const run = promisify(execFile);
const root = new URL('../../', import.meta.url).pathname;
const README_URL = 'http://localhost:4000/graphql';

/** The fenced YAML block of the README that starts with `# codegen.yml in the frontend`. */
async function readmeCodegenConfig(): Promise<string> {
  const readme = await readFile(join(root, 'README.md'), 'utf8');
  const match = /```yaml\n(# codegen\.yml in the frontend\n[\s\S]*?)```/.exec(readme);
  if (!match) throw new Error('README has no "# codegen.yml in the frontend" block');
  return match[1]!;
}

const OPERATION = `query Inbox($first: Int) {
  messages(first: $first) {
    nodes { sid from to body status direction dateSent price { amount currency } media { url contentType } }
    pageInfo { hasNextPage endCursor }
  }
}
`;

/** Uses the generated types the way an app does; it compiles only if the scalars and enums are typed. */
const APP = `import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { InboxDocument, type InboxQuery, type InboxQueryVariables } from './gql/graphql.js';

type Item = InboxQuery['messages']['nodes'][number];
export const document: TypedDocumentNode<InboxQuery, InboxQueryVariables> = InboxDocument;
export const sent = (item: Item): string | null | undefined => item.dateSent;
export const image = (item: Item): string => item.media[0]!.url;
export const from = (item: Item): string | null | undefined => item.from;
export const delivered = (item: Item): boolean => item.status === 'DELIVERED';
// @ts-expect-error not a status the schema has
export const bogus = (item: Item): boolean => item.status === 'TELEPORTED';
`;

describe('the README frontend codegen recipe', () => {
  it('generates a client from the live gateway that compiles under nodenext with typed scalars', async () => {
    const stack = await startStack();
    const dir = await mkdtemp(join(tmpdir(), 'frontend-'));
    try {
      const config = await readmeCodegenConfig();
      expect(config).toContain(`schema: ${README_URL}`);
      await mkdir(join(dir, 'src'));
      await symlink(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');
      await writeFile(join(dir, 'package.json'), '{ "type": "module", "private": true }\n');
      await writeFile(join(dir, 'codegen.yml'), config.replace(README_URL, `${stack.url}/graphql`));
      await writeFile(join(dir, 'src', 'inbox.graphql'), OPERATION);
      await writeFile(join(dir, 'src', 'app.ts'), APP);
      await writeFile(
        join(dir, 'tsconfig.json'),
        JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', target: 'ES2022', strict: true, noEmit: true, skipLibCheck: true }, include: ['src'] }),
      );
      await run(process.execPath, [join(root, 'node_modules/@graphql-codegen/cli/cjs/bin.js'), '--config', 'codegen.yml'], { cwd: dir });
      const generated = await readFile(join(dir, 'src/gql/graphql.ts'), 'utf8');
      expect(generated).toContain('dateSent: string | null');
      const tsc = await run(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', dir]).catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? String(error) }));
      expect(tsc.stdout).toBe('');
    } finally {
      await stack.stop();
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
