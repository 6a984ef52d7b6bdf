/**
 * A replacement for tfjs-backend-wasm's `Slice` kernel (4.22). The stock kernel starts with
 * `backend.readSync(x)`, which copies the WHOLE input out of the wasm heap for every slice, so taking
 * k slices of a tensor costs k full copies (unstacking a 2 MB tensor into 64 pieces took 70 ms). This
 * version reads through a view of the heap and copies only the sliced rows. Same semantics otherwise
 * (string tensors are left to the stock kernel, which we keep and call).
 */
import * as tf from '@tensorflow/tfjs';

type WasmBackend = tf.KernelBackend & {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(t: tf.TensorInfo): Float32Array | Int32Array | Uint8Array;
};

let installed = false;

export function installWasmSliceFix(): void {
  if (installed) return;
  const stock = tf.getKernel('Slice', 'wasm');
  if (!stock) return;
  installed = true;
  tf.unregisterKernel('Slice', 'wasm');
  tf.registerKernel({
    kernelName: 'Slice',
    backendName: 'wasm',
    setupFunc: stock.setupFunc,
    disposeFunc: stock.disposeFunc,
    kernelFunc: (args) => {
      const x = args.inputs.x as tf.TensorInfo;
      if (x.dtype === 'string') return stock.kernelFunc(args);
      const backend = args.backend as WasmBackend;
      const attrs = args.attrs as unknown as { begin: number | number[]; size: number | number[] };
      const [begin, size] = tf.slice_util.parseSliceParams(x as unknown as tf.Tensor, attrs.begin, attrs.size);
      const out = backend.makeOutput(size, x.dtype);
      if (tf.util.sizeFromShape(size) === 0) return out;
      const src = backend.typedArrayFromHeap(x);
      const dst = backend.typedArrayFromHeap(out);
      copySlice(src, x.shape, begin, size, dst);
      return out;
    },
  });
}

/** Copies the box begin..begin+size of a row-major array of `shape` into dst, one innermost run at a time. */
function copySlice(src: ArrayLike<number> & { subarray(a: number, b: number): ArrayLike<number> }, shape: number[], begin: number[], size: number[], dst: { set(a: ArrayLike<number>, o: number): void }): void {
  const rank = shape.length;
  if (rank === 0) {
    dst.set(src.subarray(0, 1), 0);
    return;
  }
  const partial = tf.util.computeStrides(shape); // rank-1 entries: the last dim's stride (1) is implied
  const strides = [...partial, 1];
  // Merge trailing dims that are taken whole into one contiguous run.
  let inner = rank - 1;
  let run = size[inner];
  while (inner > 0 && begin[inner] === 0 && size[inner] === shape[inner]) {
    inner--;
    run *= size[inner];
  }
  const outer = size.slice(0, inner);
  const count = outer.reduce((a, b) => a * b, 1);
  const idx = new Array<number>(inner).fill(0);
  let o = 0;
  for (let n = 0; n < count; n++) {
    let off = begin[inner] * strides[inner];
    for (let d = 0; d < inner; d++) off += (begin[d] + idx[d]) * strides[d];
    dst.set(src.subarray(off, off + run), o);
    o += run;
    for (let d = inner - 1; d >= 0; d--) {
      if (++idx[d] < outer[d]) break;
      idx[d] = 0;
    }
  }
}
