/**
 * Native TensorFlow backends (`tensorflow`): `@tensorflow/tfjs-node-gpu` (CUDA) and `@tensorflow/tfjs-node`
 * (CPU, libtensorflow with oneDNN). They are NOT dependencies of Recut: their install script downloads
 * libtensorflow, which fails on machines without that download (and on our build machines). Users who
 * want them run `npm install @tensorflow/tfjs-node-gpu` (or `-node`) next to Recut; we load them with a
 * dynamic import and report "not installed" otherwise. Importing either registers the `tensorflow`
 * backend on the shared tfjs engine.
 */
export type NativeTfPackage = '@tensorflow/tfjs-node-gpu' | '@tensorflow/tfjs-node';

export interface NativeProbe {
  available: boolean;
  reason?: string;
  device?: string;
}

const probes = new Map<NativeTfPackage, Promise<NativeProbe>>();
let loaded: NativeTfPackage | null = null;

export function probeNativeTf(pkg: NativeTfPackage): Promise<NativeProbe> {
  let p = probes.get(pkg);
  if (!p) {
    p = load(pkg);
    probes.set(pkg, p);
  }
  return p;
}

async function load(pkg: NativeTfPackage): Promise<NativeProbe> {
  // Both packages register the same backend name; only one native library can own it.
  if (loaded && loaded !== pkg) return { available: false, reason: `${loaded} is already loaded and owns the tensorflow backend` };
  try {
    const spec: string = pkg; // a variable keeps bundlers and tsc from resolving an optional package
    await import(/* @vite-ignore */ spec);
    loaded = pkg;
    return { available: true, device: pkg.endsWith('-gpu') ? 'CUDA GPU (libtensorflow)' : 'CPU (libtensorflow)' };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') return { available: false, reason: `not installed (optional: npm install ${pkg})` };
    return { available: false, reason: `${pkg} failed to load: ${(e as Error).message.split('\n')[0]}` };
  }
}
