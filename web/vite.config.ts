/**
 * Vite builds the two pages the gateway serves (src/server/web.ts): the inbox (index.html, at `/`) and the offline
 * explorer (explorer.html, GraphiQL, served at `GET /graphql` in development). Everything is bundled from this
 * installation: no CDN at run time. `node web/build.mjs` runs it (npm start does, when the output is stale).
 */
import { defineConfig } from 'vite';

const web = new URL('.', import.meta.url).pathname;

export default defineConfig({
  root: web,
  base: '/',
  // No public/ folder: every file served comes out of the build.
  publicDir: false,
  logLevel: 'warn',
  oxc: { jsx: { runtime: 'automatic' } },
  build: {
    outDir: process.env['WEB_OUT_DIR'] ?? `${web}dist`,
    emptyOutDir: true,
    // The manifest tells tests which chunks each page loads (for the inbox's size budget).
    manifest: true,
    // Source maps would double what the gateway ships; the sources are in the repository.
    sourcemap: false,
    // GraphiQL's editor (Monaco) is large by nature; only the inbox has a size budget.
    chunkSizeWarningLimit: 5_000,
    rolldownOptions: {
      input: { inbox: `${web}index.html`, explorer: `${web}explorer.html` },
    },
  },
});
