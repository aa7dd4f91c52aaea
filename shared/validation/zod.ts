/**
 * zod for every module a Lambda bundle reaches: `zod/mini` (functions instead of methods, so esbuild
 * keeps only what a bundle calls) with the English messages clients have always seen. `zod/mini`
 * installs no locale, and `z.locales.en` would pull every locale; this imports the English one alone.
 * Schema modules import `z` from here, never from the package itself: package.json lists this file under
 * `sideEffects`, so the bundler keeps the `config` call in every bundle that parses.
 */
import { config } from 'zod/mini';
import en from 'zod/v4/locales/en.js';

config(en());

export * from 'zod/mini';
