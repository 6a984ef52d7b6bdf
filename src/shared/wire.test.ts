import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { METHOD_NAMES, methods } from './contract';
import { RecutError } from './errors';
import { parseCall, parseEvent, parseResult } from './wire';

const SONG = 'ab'.repeat(32);

describe('contract validation', () => {
  it('accepts well-formed calls', () => {
    expect(parseCall('listSongs', { query: 'demo' })).toEqual({ method: 'listSongs', params: { query: 'demo' } });
    expect(parseCall('getAppInfo', undefined).params).toEqual({});
    expect(parseCall('getPeaks', { songId: SONG, buckets: 800 }).method).toBe('getPeaks');
  });

  it('refuses unknown methods, unknown keys and wrong types with invalid_argument', () => {
    const cases: Array<[unknown, unknown]> = [
      ['__proto__', {}],
      ['constructor', {}],
      ['dropDatabase', {}],
      [42, {}],
      ['listSongs', { query: 'x', extra: true }],
      ['getSong', { songId: '../../etc/passwd' }],
      ['getPeaks', { songId: SONG, buckets: 1e9 }],
      ['importFiles', { paths: [] }],
      ['importFiles', 'not an object'],
    ];
    for (const [m, p] of cases) {
      let err: unknown;
      try {
        parseCall(m, p);
      } catch (e) {
        err = e;
      }
      expect(err, `${String(m)} ${JSON.stringify(p)}`).toBeInstanceOf(RecutError);
      expect((err as RecutError).kind).toBe('invalid_argument');
    }
  });

  it('never lets random garbage through to a handler untyped (fuzz)', () => {
    fc.assert(
      fc.property(fc.constantFrom(...METHOD_NAMES, 'nope'), fc.anything(), (method, params) => {
        try {
          const call = parseCall(method, params);
          // Whatever passed must satisfy the schema exactly.
          expect(methods[call.method].input.safeParse(call.params).success).toBe(true);
        } catch (e) {
          expect(e).toBeInstanceOf(RecutError);
          expect((e as RecutError).kind).toBe('invalid_argument');
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('checks what the engine returns and the events it sends', () => {
    expect(() => parseResult('listSongs', { songs: [{ id: 'nope' }] })).toThrow(/off-contract/);
    expect(parseEvent('libraryChanged', { reason: 'imported', songIds: [SONG] })).not.toBeNull();
    expect(parseEvent('libraryChanged', { reason: 'hacked', songIds: [] })).toBeNull();
    expect(parseEvent('toString', {})).toBeNull();
  });
});
