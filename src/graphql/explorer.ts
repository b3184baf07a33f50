/**
 * The landing page of `GET /graphql` in development: the offline explorer (GraphiQL, built from web/ into
 * web/dist/explorer.html with its assets), in place of Apollo Sandbox, whose code comes from Apollo's CDN. Apollo
 * still decides when the page is served (a GET that prefers text/html), so without credentials only the page
 * itself is: it executes nothing and holds no data.
 */
import { readFile } from 'node:fs/promises';
import type { ApolloServerPlugin } from '@apollo/server';

/** The explorer's page in the build (the same path from src/graphql and dist/graphql). */
const EXPLORER_HTML = new URL('../../web/dist/explorer.html', import.meta.url);

const NOT_BUILT = `<!doctype html><meta charset="utf-8"><title>GraphQL explorer not built</title>
<p>The GraphQL explorer has not been built. <code>npm start</code> builds it; or run <code>node web/build.mjs</code>.</p>`;

/** Apollo's landing-page hook, answered with the explorer; read on each visit, so a rebuild shows at once. */
export function explorerLandingPage<TContext extends object>(): ApolloServerPlugin<TContext> {
  return {
    async serverWillStart() {
      return {
        async renderLandingPage() {
          return { html: () => readFile(EXPLORER_HTML, 'utf8').catch(() => NOT_BUILT) };
        },
      };
    },
  };
}
