/**
 * Ridge regression by the normal equations and a Cholesky solve: the direction in a layer's input
 * space that best reads one quantity (join-attention.ts). 256 columns and a few thousand rows: a
 * dense 256 x 256 solve is instant, and no linear-algebra library is needed for it (tfjs has no
 * triangular solve).
 */
import { RecutError } from '../../../shared/errors';

export interface RidgeFit {
  /** weights on the centred columns */
  weights: Float64Array;
  /** column means (the prediction is (x - mean) . weights + yMean) */
  mean: Float64Array;
  yMean: number;
}

/** Minimises |Xc w - (y - mean(y))|^2 + lambda * rows * |w|^2, Xc the column-centred X (rows x cols, row-major). */
export function ridgeFit(x: ArrayLike<number>, rows: number, cols: number, y: ArrayLike<number>, lambda: number): RidgeFit {
  if (rows < 1 || cols < 1 || x.length !== rows * cols || y.length !== rows) {
    throw new RecutError('invalid_argument', `ridge regression of ${y.length} targets on ${x.length} values as ${rows} x ${cols}`);
  }
  if (!(lambda > 0)) throw new RecutError('invalid_argument', `ridge penalty must be positive, got ${lambda}`);
  const mean = new Float64Array(cols);
  let yMean = 0;
  for (let r = 0; r < rows; r++) {
    yMean += y[r] / rows;
    for (let c = 0; c < cols; c++) mean[c] += x[r * cols + c] / rows;
  }
  const a = new Float64Array(cols * cols); // X'X (lower triangle first)
  const b = new Float64Array(cols); // X'y
  const row = new Float64Array(cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) row[c] = x[r * cols + c] - mean[c];
    const t = y[r] - yMean;
    for (let i = 0; i < cols; i++) {
      b[i] += row[i] * t;
      const ri = row[i];
      for (let j = 0; j <= i; j++) a[i * cols + j] += ri * row[j];
    }
  }
  for (let i = 0; i < cols; i++) {
    for (let j = 0; j < i; j++) a[j * cols + i] = a[i * cols + j];
    a[i * cols + i] += lambda * rows;
  }
  return { weights: choleskySolve(a, b, cols), mean, yMean };
}

/** Solves A w = b for a symmetric positive definite A (n x n, row-major). */
function choleskySolve(a: Float64Array, b: Float64Array, n: number): Float64Array {
  const l = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * n + j];
      for (let k = 0; k < j; k++) s -= l[i * n + k] * l[j * n + k];
      if (i === j) {
        if (!(s > 0)) throw new RecutError('internal', 'ridge regression: the normal equations are not positive definite');
        l[i * n + i] = Math.sqrt(s);
      } else l[i * n + j] = s / l[j * n + j];
    }
  }
  const z = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= l[i * n + k] * z[k];
    z[i] = s / l[i * n + i];
  }
  const w = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let s = z[i];
    for (let k = i + 1; k < n; k++) s -= l[k * n + i] * w[k];
    w[i] = s / l[i * n + i];
  }
  return w;
}
