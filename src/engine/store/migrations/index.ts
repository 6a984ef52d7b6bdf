import { migration001 } from './001-initial';
import { migration002 } from './002-analyses';
import { migration003 } from './003-preferences';
import { migration004 } from './004-models';
import type { Migration } from './types';

/** Every schema version in order. Add one file per version; never edit a released one. */
export const MIGRATIONS: readonly Migration[] = [migration001, migration002, migration003, migration004];

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version;
