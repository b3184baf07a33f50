#!/usr/bin/env node
/**
 * Builds web/ (the inbox and the offline explorer) into web/dist with Vite, when the build is missing or was made
 * from other sources: `npm start` runs it before the gateway, and jest's global setup before the tests. A build
 * from the same sources is a no-op that takes a few milliseconds (a fingerprint of the inputs is kept beside it).
 *
 *   node web/build.mjs           build if stale
 *   node web/build.mjs --force   build anyway
 *
 * A build goes to a folder of its own and then takes web/dist's place, so a gateway serving the old one, or a
 * second build running at the same time, never sees half a build. A failed build is reported and the gateway
 * starts without the inbox (its page says how to build it): the API does not depend on it.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const web = fileURLToPath(new URL('.', import.meta.url));
const root = join(web, '..');
const dist = join(web, 'dist');
const STAMP = '.fingerprint';

/** Every file the build reads from this repository (sources, pages, config, and the locked dependency versions). */
function inputs() {
  const files = [];
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else files.push(path);
    }
  };
  walk(join(web, 'src'));
  files.push(join(web, 'index.html'), join(web, 'explorer.html'), join(web, 'vite.config.ts'), join(root, 'package-lock.json'));
  return files.sort();
}

/** A hash of the inputs' names and contents. */
function fingerprint() {
  const hash = createHash('sha256');
  for (const file of inputs()) {
    hash.update(file.slice(root.length)).update('\0');
    if (existsSync(file)) hash.update(readFileSync(file));
    hash.update('\0');
  }
  return hash.digest('hex');
}

const force = process.argv.includes('--force');
// A production gateway serves the inbox only with WEB_APP=true: nothing to build otherwise.
if (!force && process.env.NODE_ENV === 'production' && process.env.WEB_APP !== 'true') process.exit(0);
const wanted = fingerprint();
const current = existsSync(join(dist, STAMP)) ? readFileSync(join(dist, STAMP), 'utf8') : null;
if (!force && current === wanted) process.exit(0);

const started = Date.now();
const out = join(web, `.dist-${process.pid}`);
try {
  const { build } = await import('vite');
  process.env.WEB_OUT_DIR = out;
  // Always a production bundle, whatever NODE_ENV the caller runs under (jest sets "test": React's development
  // build would be three times the size and slower).
  process.env.NODE_ENV = 'production';
  await build({ configFile: join(web, 'vite.config.ts'), mode: 'production', logLevel: 'error' });
  writeFileSync(join(out, STAMP), wanted);
  const old = join(web, `.dist-old-${process.pid}`);
  if (existsSync(dist)) renameSync(dist, old);
  renameSync(out, dist);
  rmSync(old, { recursive: true, force: true });
  console.log(`web: built the inbox and the explorer into web/dist in ${((Date.now() - started) / 1000).toFixed(1)} s`);
} catch (error) {
  rmSync(out, { recursive: true, force: true });
  console.error(`web: the inbox could not be built, the gateway runs without it: ${error instanceof Error ? error.message : String(error)}`);
  // Tests and CI want to know; `npm start` goes on (the API does not need the inbox).
  process.exit(process.argv.includes('--strict') ? 1 : 0);
}
