/**
 * RIFF/WAVE encoder for PcmAudio: 16/24/32-bit integer PCM and IEEE float32.
 *
 * Hand-written (about a page) rather than a dependency because the integer scaling must mirror our
 * decoder, `@audio/decode-wav`, exactly: it reads negative codes as v / 2^(n-1) and positive codes as
 * v / (2^(n-1) - 1). Encoding with the same asymmetric scale means decode -> encode reproduces the
 * original file's sample codes bit for bit, which the renderer relies on ("a plan that changes nothing
 * renders bit-identical audio").
 *
 * Header layout follows Microsoft's rules: plain WAVE_FORMAT_PCM (16-byte fmt) for <= 16-bit with
 * <= 2 channels; WAVE_FORMAT_IEEE_FLOAT (18-byte fmt + fact chunk) for float with <= 2 channels;
 * WAVE_FORMAT_EXTENSIBLE (40-byte fmt, channel mask, SubFormat GUID) for > 16-bit integer or > 2 channels.
 */
import { RecutError } from '../../shared/errors';
import type { PcmAudio } from './pcm';

export interface WavEncodeOptions {
  /** Bits per sample: 16 (default), 24 or 32. 32 with `float: true` writes IEEE float32. */
  bitDepth?: 16 | 24 | 32;
  /** Write IEEE float samples (only with bitDepth 32, which it implies). Float output is not clipped. */
  float?: boolean;
  /**
   * TPDF dither of +-1 LSB before integer rounding. Off by default so renders are deterministic;
   * `true` uses a fixed seed, a number picks the seed (the result is still reproducible).
   */
  dither?: boolean | number;
}

const FORMAT_PCM = 0x0001;
const FORMAT_FLOAT = 0x0003;
const FORMAT_EXTENSIBLE = 0xfffe;
/** KSDATAFORMAT_SUBTYPE_* GUID tail shared by PCM and float: xxxxxxxx-0000-0010-8000-00aa00389b71. */
const GUID_TAIL = [0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71];
/** Speaker masks for the usual layouts (mono = front centre, stereo, 3.0, quad, 5.0, 5.1, 6.1, 7.1). */
const CHANNEL_MASKS: Record<number, number> = { 1: 0x4, 2: 0x3, 3: 0x7, 4: 0x33, 5: 0x37, 6: 0x3f, 7: 0x13f, 8: 0x63f };
const MAX_RIFF_BYTES = 0xffffffff;

export function encodeWav(audio: PcmAudio, opts: WavEncodeOptions = {}): Uint8Array {
  const isFloat = opts.float === true;
  const bitDepth = opts.bitDepth ?? (isFloat ? 32 : 16);
  if (bitDepth !== 16 && bitDepth !== 24 && bitDepth !== 32) {
    throw new RecutError('invalid_argument', `WAV bit depth must be 16, 24 or 32, not ${String(bitDepth)}`);
  }
  if (isFloat && bitDepth !== 32) throw new RecutError('invalid_argument', 'float WAV output is 32-bit only');
  const { sampleRate, channels } = audio;
  if (!Number.isInteger(sampleRate) || sampleRate < 1 || sampleRate > 0xffffffff) {
    throw new RecutError('invalid_argument', `invalid sample rate ${sampleRate}`);
  }
  const nCh = channels.length;
  if (nCh < 1 || nCh > 0xffff) throw new RecutError('invalid_argument', `invalid channel count ${nCh}`);
  const frames = channels[0].length;
  for (const ch of channels) {
    if (ch.length !== frames) throw new RecutError('invalid_argument', 'all channels must have the same length');
  }

  const bytesPerSample = bitDepth / 8;
  const blockAlign = nCh * bytesPerSample;
  const extensible = nCh > 2 || (!isFloat && bitDepth > 16);
  const fmtSize = extensible ? 40 : isFloat ? 18 : 16;
  const hasFact = isFloat; // every non-PCM format carries a fact chunk
  const dataBytes = frames * blockAlign;
  const pad = dataBytes & 1;
  const headerBytes = 12 + 8 + fmtSize + (hasFact ? 12 : 0) + 8;
  const total = headerBytes + dataBytes + pad;
  if (total - 8 > MAX_RIFF_BYTES || blockAlign > 0xffff) {
    throw new RecutError('invalid_argument', 'audio too large for a WAV file (RIFF is limited to 4 GiB)');
  }

  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  let p = 0;
  const ascii = (s: string) => {
    for (let i = 0; i < 4; i++) out[p++] = s.charCodeAt(i);
  };
  const u16 = (v: number) => {
    view.setUint16(p, v, true);
    p += 2;
  };
  const u32 = (v: number) => {
    view.setUint32(p, v, true);
    p += 4;
  };

  ascii('RIFF');
  u32(total - 8);
  ascii('WAVE');
  ascii('fmt ');
  u32(fmtSize);
  u16(extensible ? FORMAT_EXTENSIBLE : isFloat ? FORMAT_FLOAT : FORMAT_PCM);
  u16(nCh);
  u32(sampleRate);
  u32(sampleRate * blockAlign);
  u16(blockAlign);
  u16(bitDepth);
  if (fmtSize >= 18) u16(fmtSize - 18); // cbSize
  if (extensible) {
    u16(bitDepth); // valid bits per sample
    u32(CHANNEL_MASKS[nCh] ?? 0);
    u16(isFloat ? FORMAT_FLOAT : FORMAT_PCM);
    u16(0);
    for (const b of GUID_TAIL) out[p++] = b;
  }
  if (hasFact) {
    ascii('fact');
    u32(4);
    u32(frames);
  }
  ascii('data');
  u32(dataBytes);

  if (isFloat) writeFloat32(out, p, channels, frames);
  else writeInt(out, p, channels, frames, bitDepth, ditherSeed(opts.dither));
  return out;
}

/** Typed arrays use the host's byte order; WAV is little-endian. Every platform Recut ships on is LE. */
const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function ditherSeed(d: boolean | number | undefined): number | null {
  if (d === undefined || d === false) return null;
  if (d === true) return 0x2545f491;
  if (!Number.isFinite(d)) throw new RecutError('invalid_argument', 'dither seed must be a finite number');
  return (d >>> 0) || 0x2545f491;
}

function writeFloat32(out: Uint8Array, start: number, channels: Float32Array[], frames: number): void {
  const nCh = channels.length;
  const view = new DataView(out.buffer, out.byteOffset);
  // Interleave into a typed array (fast), then copy its bytes: the data offset need not be 4-aligned.
  const tmp = HOST_LITTLE_ENDIAN ? new Float32Array(frames * nCh) : null;
  for (let c = 0; c < nCh; c++) {
    const x = channels[c];
    for (let i = 0, k = c; i < frames; i++, k += nCh) {
      const v = x[i] === x[i] ? x[i] : 0; // NaN becomes silence
      if (tmp) tmp[k] = v;
      else view.setFloat32(start + k * 4, v, true);
    }
  }
  if (tmp) out.set(new Uint8Array(tmp.buffer), start);
}

function writeInt(out: Uint8Array, start: number, channels: Float32Array[], frames: number, bits: number, seed: number | null): void {
  const nCh = channels.length;
  const bytes = bits / 8;
  const negScale = 2 ** (bits - 1); // -1.0 -> most negative code
  const posScale = negScale - 1; // +1.0 -> most positive code
  const minCode = -negScale;
  const maxCode = posScale;
  const codes = new Int32Array(frames * nCh);
  let rng = seed ?? 0;
  for (let c = 0; c < nCh; c++) {
    const x = channels[c];
    for (let i = 0, k = c; i < frames; i++, k += nCh) {
      let v = x[i];
      if (!(v === v)) v = 0; // NaN becomes silence
      let code = v < 0 ? v * negScale : v * posScale;
      if (seed !== null) {
        // TPDF: difference of two uniform variates in [0, 1) spans +-1 LSB with a triangular density.
        rng ^= rng << 13;
        rng ^= rng >>> 17;
        rng ^= rng << 5;
        const u1 = (rng >>> 0) / 4294967296;
        rng ^= rng << 13;
        rng ^= rng >>> 17;
        rng ^= rng << 5;
        code += u1 - (rng >>> 0) / 4294967296;
      }
      code = Math.round(code);
      codes[k] = code > maxCode ? maxCode : code < minCode ? minCode : code;
    }
  }
  const n = codes.length;
  if (bits === 32 && HOST_LITTLE_ENDIAN) {
    out.set(new Uint8Array(codes.buffer), start);
  } else if (bits === 16 && HOST_LITTLE_ENDIAN) {
    const i16 = new Int16Array(n);
    i16.set(codes); // in range already, so the conversion is exact
    out.set(new Uint8Array(i16.buffer), start);
  } else {
    for (let k = 0, p = start; k < n; k++, p += bytes) {
      const code = codes[k];
      for (let b = 0; b < bytes; b++) out[p + b] = (code >> (8 * b)) & 0xff;
    }
  }
}
