import * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { selectBackend } from '.';

describe('wasm Slice replacement', () => {
  it('slices exactly like the cpu backend for any box of a rank 1-4 tensor', async () => {
    await selectBackend('wasm');
    const shapeArb = fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 4 });
    const caseArb = shapeArb.chain((shape) =>
      fc.tuple(fc.constant(shape), ...shape.map((n) => fc.integer({ min: 0, max: n - 1 }).chain((b) => fc.tuple(fc.constant(b), fc.integer({ min: 0, max: n - b }))))),
    );
    fc.assert(
      fc.property(caseArb, ([shape, ...box]) => {
        const size = shape.reduce((a, b) => a * b, 1);
        const values = Float32Array.from({ length: size }, (_, i) => i * 1.5 - 7);
        const begin = box.map((b) => b[0]);
        const sz = box.map((b) => b[1]);
        const got = tf.tidy(() => tf.slice(tf.tensor(values, shape), begin, sz).dataSync());
        // reference: index arithmetic in plain JS
        const strides = shape.map((_, d) => shape.slice(d + 1).reduce((a, b) => a * b, 1));
        const want: number[] = [];
        const idx = new Array(shape.length).fill(0);
        const total = sz.reduce((a, b) => a * b, 1);
        for (let n = 0; n < total; n++) {
          want.push(values[idx.reduce((o, v, d) => o + (begin[d] + v) * strides[d], 0)]);
          for (let d = shape.length - 1; d >= 0; d--) {
            if (++idx[d] < sz[d]) break;
            idx[d] = 0;
          }
        }
        expect(Array.from(got)).toEqual(want);
      }),
      { numRuns: 200 },
    );
    expect(tf.getBackend()).toBe('wasm');
  });
});
