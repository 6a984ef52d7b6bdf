#!/usr/bin/env node
// The `recut` command. It runs the TypeScript sources through tsx, so `npx recut` works in a fresh
// clone right after `npm ci`, with no build step.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/run.ts');
