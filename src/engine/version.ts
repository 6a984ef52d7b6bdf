import { createRequire } from 'node:module';

/** The app's version, from package.json (one source for the CLI, the engine and the UI). */
export const APP_VERSION: string = (createRequire(import.meta.url)('../../package.json') as { version: string }).version;
