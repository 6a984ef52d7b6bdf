/**
 * A small FLAC encoder: fixed predictors (orders 0-4), stereo decorrelation (left/side, right/side,
 * mid/side), partitioned Rice coding, constant subframes for silence, verbatim fallback, CRC-8/16 and
 * the STREAMINFO MD5. Written here rather than taken from npm because the libFLAC builds there
 * (libflac.js and wrappers) are ~1 MB asm.js/WASM blobs with a callback API for streaming, while
 * this is one readable page, synchronous, deterministic, and checked by a round trip through the
 * real libFLAC decoder (`@audio/decode-flac`). It trades a few percent of size against libFLAC's
 * LPC modes; export size is not a product concern here, losslessness is.
 *
 * Quantisation: our two decoders scale integers differently (WAV: negatives / 2^(b-1), FLAC: all
 * / (2^(b-1) - 1)). A sample that is exactly some code under either convention is written as that
 * code, so decoded WAV or FLAC audio exports to FLAC with its original integer codes; other values
 * (crossfades, fades) round on the WAV scale.
 */
import { createHash } from 'node:crypto';
import { RecutError } from '../../shared/errors';
import type { PcmAudio } from './pcm';

const BLOCK = 4096;

export function quantize(x: Float32Array, bits: 16 | 24): Int32Array {
  const full = 2 ** (bits - 1);
  const max = full - 1;
  const out = new Int32Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    if (!(v >= -1)) out[i] = v !== v ? 0 : -full; // NaN -> 0, below -1 -> clip
    else if (v >= 1) out[i] = max;
    else if (v >= 0) out[i] = Math.round(v * max);
    else {
      const asym = Math.round(v * full);
      const sym = Math.round(v * max);
      out[i] = Math.fround(asym / full) === v ? asym : Math.fround(sym / max) === v ? sym : asym;
    }
  }
  return out;
}

class BitWriter {
  buf = new Uint8Array(1 << 16);
  bit = 0; // absolute bit position; the buffer is zero-filled, so zeros need no writing

  private ensure(bits: number) {
    const need = ((this.bit + bits + 7) >> 3) + 8;
    if (need <= this.buf.length) return;
    const g = new Uint8Array(Math.max(need, this.buf.length * 2));
    g.set(this.buf);
    this.buf = g;
  }
  /** Writes the low n bits of v (n <= 32, v >= 0), most significant first. */
  write(v: number, n: number) {
    if (n > 24) {
      this.write(Math.floor(v / 0x1000000), n - 24);
      v %= 0x1000000;
      n = 24;
    }
    this.ensure(n);
    // Up to 7 + 24 bits land in one 32-bit word; OR it into 4 bytes (the buffer is zero-filled).
    const off = this.bit & 7;
    const byte = this.bit >> 3;
    const word = ((v & ((1 << n) - 1)) << (32 - off - n)) >>> 0;
    const b = this.buf;
    b[byte] |= word >>> 24;
    b[byte + 1] |= (word >>> 16) & 0xff;
    b[byte + 2] |= (word >>> 8) & 0xff;
    b[byte + 3] |= word & 0xff;
    this.bit += n;
  }
  writeSigned(v: number, n: number) {
    this.write(v < 0 ? v + 2 ** n : v, n);
  }
  zeros(n: number) {
    this.ensure(n);
    this.bit += n;
  }
  alignByte() {
    this.bit = (this.bit + 7) & ~7;
  }
  get bytePos() {
    return this.bit >> 3;
  }
}

const CRC8 = new Uint8Array(256);
const CRC16 = new Uint16Array(256);
for (let i = 0; i < 256; i++) {
  let c = i;
  for (let k = 0; k < 8; k++) c = c & 0x80 ? ((c << 1) ^ 0x07) & 0xff : (c << 1) & 0xff;
  CRC8[i] = c;
  let d = i << 8;
  for (let k = 0; k < 8; k++) d = d & 0x8000 ? ((d << 1) ^ 0x8005) & 0xffff : (d << 1) & 0xffff;
  CRC16[i] = d;
}
const crc8 = (b: Uint8Array, from: number, to: number) => {
  let c = 0;
  for (let i = from; i < to; i++) c = CRC8[c ^ b[i]];
  return c;
};
const crc16 = (b: Uint8Array, from: number, to: number) => {
  let c = 0;
  for (let i = from; i < to; i++) c = ((c << 8) & 0xffff) ^ CRC16[(c >> 8) ^ b[i]];
  return c;
};

/** Fixed-predictor residual of order o for x[0..n) (first o samples are warm-up, left as 0). */
function residual(x: Int32Array, o: number, out: Float64Array): void {
  const n = x.length;
  if (o === 0) for (let i = 0; i < n; i++) out[i] = x[i];
  else if (o === 1) for (let i = 1; i < n; i++) out[i] = x[i] - x[i - 1];
  else if (o === 2) for (let i = 2; i < n; i++) out[i] = x[i] - 2 * x[i - 1] + x[i - 2];
  else if (o === 3) for (let i = 3; i < n; i++) out[i] = x[i] - 3 * x[i - 1] + 3 * x[i - 2] - x[i - 3];
  else for (let i = 4; i < n; i++) out[i] = x[i] - 4 * x[i - 1] + 6 * x[i - 2] - 4 * x[i - 3] + x[i - 4];
}

interface SubframePlan {
  kind: 'constant' | 'verbatim' | 'fixed';
  order: number;
  bits: number; // estimated size
  res?: Float64Array;
  partOrder?: number;
  params?: number[];
}

const zig = (r: number) => (r >= 0 ? 2 * r : -2 * r - 1);

/** Best Rice partitioning of residual[order..n): partition order and per-partition parameters. */
function riceLayout(res: Float64Array, n: number, order: number, maxParam: number) {
  // Sums of zigzagged residuals over the finest partitions that divide n, merged pairwise upward.
  let finest = 0;
  while (finest < 8 && n % (2 << finest) === 0 && n / (2 << finest) > order) finest++;
  let sums = new Float64Array(1 << finest);
  const fsize = n >> finest;
  for (let i = order; i < n; i++) sums[(i / fsize) | 0] += zig(res[i]);
  let best = { bits: Infinity, partOrder: 0, params: [] as number[] };
  for (let p = finest; p >= 0; p--) {
    const parts = 1 << p;
    const size = n >> p;
    let bits = 0;
    const params: number[] = [];
    for (let q = 0; q < parts; q++) {
      const cnt = q === 0 ? size - order : size;
      const sum = sums[q];
      const mean = sum / Math.max(1, cnt);
      const k0 = mean > 1 ? Math.min(maxParam, Math.floor(Math.log2(mean))) : 0;
      // Each value costs k + 1 bits plus its quotient (about sum / 2^k): try k0 and its neighbours.
      let k = k0;
      let cost = Infinity;
      for (let kk = Math.max(0, k0 - 1); kk <= Math.min(maxParam, k0 + 1); kk++) {
        const c = cnt * (kk + 1) + sum / 2 ** kk;
        if (c < cost) (cost = c), (k = kk);
      }
      params.push(k);
      bits += cost + (maxParam > 14 ? 5 : 4);
    }
    if (bits < best.bits) best = { bits, partOrder: p, params };
    if (p > 0) {
      const up = new Float64Array(parts >> 1);
      for (let q = 0; q < parts; q++) up[q >> 1] += sums[q];
      sums = up;
    }
  }
  return best;
}

function planSubframe(x: Int32Array, bps: number): SubframePlan {
  const n = x.length;
  let constant = true;
  for (let i = 1; i < n && constant; i++) constant = x[i] === x[0];
  if (constant) return { kind: 'constant', order: 0, bits: bps };
  // Predictor order by smallest total |residual| (libFLAC's heuristic for fixed subframes).
  let order = 0;
  let bestAbs = Infinity;
  const res = new Float64Array(n);
  for (let o = 0; o <= 4 && o < n; o++) {
    residual(x, o, res);
    let abs = 0;
    for (let i = o; i < n; i++) abs += Math.abs(res[i]);
    if (abs < bestAbs) (bestAbs = abs), (order = o);
  }
  residual(x, order, res);
  for (let i = 0; i < order; i++) res[i] = 0;
  const maxParam = bps > 16 ? 30 : 14;
  const lay = riceLayout(res, n, order, maxParam);
  const bits = order * bps + 6 + lay.bits;
  if (bits >= n * bps) return { kind: 'verbatim', order: 0, bits: n * bps };
  return { kind: 'fixed', order, bits, res, partOrder: lay.partOrder, params: lay.params };
}

function writeSubframe(w: BitWriter, x: Int32Array, bps: number, sf: SubframePlan): void {
  w.write(0, 1);
  if (sf.kind === 'constant') {
    w.write(0b000000, 6), w.write(0, 1), w.writeSigned(x[0], bps);
    return;
  }
  if (sf.kind === 'verbatim') {
    w.write(0b000001, 6), w.write(0, 1);
    for (let i = 0; i < x.length; i++) w.writeSigned(x[i], bps);
    return;
  }
  const { order, res, partOrder, params } = sf as Required<SubframePlan>;
  w.write(0b001000 | order, 6), w.write(0, 1);
  for (let i = 0; i < order; i++) w.writeSigned(x[i], bps);
  const rice2 = params.some((k) => k > 14);
  w.write(rice2 ? 1 : 0, 2);
  w.write(partOrder, 4);
  const size = x.length >> partOrder;
  params.forEach((k, q) => {
    w.write(k, rice2 ? 5 : 4);
    const from = q === 0 ? order : q * size;
    const to = (q + 1) * size;
    for (let i = from; i < to; i++) {
      const u = zig(res[i]);
      const hi = Math.floor(u / 2 ** k);
      w.zeros(hi);
      if (k < 24) w.write(2 ** k + (u - hi * 2 ** k), k + 1); // the unary stop bit, then k low bits
      else w.write(1, 1), w.write(u - hi * 2 ** k, k);
    }
  });
}

/** FLAC's UTF-8-style frame number coding (up to 36 bits; ours stay far below 2^31). */
function writeUtf8(w: BitWriter, v: number) {
  if (v < 0x80) return w.write(v, 8);
  const cont = v < 0x800 ? 1 : v < 0x10000 ? 2 : v < 0x200000 ? 3 : v < 0x4000000 ? 4 : 5;
  const lead = (0xff << (7 - cont)) & 0xff; // 110xxxxx, 1110xxxx, ...
  w.write(lead | Math.floor(v / 2 ** (6 * cont)), 8);
  for (let c = cont - 1; c >= 0; c--) w.write(0x80 | (Math.floor(v / 2 ** (6 * c)) & 0x3f), 8);
}

const RATE_CODES: Record<number, number> = {
  88200: 1, 176400: 2, 192000: 3, 8000: 4, 16000: 5, 22050: 6, 24000: 7, 32000: 8, 44100: 9, 48000: 10, 96000: 11,
};
function rateCode(sr: number): { code: number; extra: number; extraBits: number } {
  if (RATE_CODES[sr]) return { code: RATE_CODES[sr], extra: 0, extraBits: 0 };
  if (sr % 1000 === 0 && sr / 1000 <= 255) return { code: 12, extra: sr / 1000, extraBits: 8 };
  if (sr <= 65535) return { code: 13, extra: sr, extraBits: 16 };
  if (sr % 10 === 0 && sr / 10 <= 65535) return { code: 14, extra: sr / 10, extraBits: 16 };
  return { code: 0, extra: 0, extraBits: 0 };
}

export interface FlacEncodeOptions {
  bitDepth: 16 | 24;
}

export function encodeFlac(audio: PcmAudio, opts: FlacEncodeOptions): Uint8Array {
  const bps = opts.bitDepth;
  if (bps !== 16 && bps !== 24) throw new RecutError('invalid_argument', `FLAC bit depth must be 16 or 24, not ${String(bps)}`);
  const nCh = audio.channels.length;
  if (nCh < 1 || nCh > 8) throw new RecutError('invalid_argument', `FLAC holds 1-8 channels, not ${nCh}`);
  const sr = audio.sampleRate;
  if (!Number.isInteger(sr) || sr < 1 || sr > 655_350) throw new RecutError('invalid_argument', `invalid sample rate ${sr}`);
  const total = audio.channels[0].length;
  const ints = audio.channels.map((c) => quantize(c, bps));
  const md5 = createHash('md5');
  const w = new BitWriter();
  // "fLaC" + STREAMINFO (last metadata block), patched with frame sizes and MD5 at the end.
  w.write(0x664c6143, 32);
  w.write(0x80, 8), w.write(34, 24);
  const info = w.bytePos;
  w.zeros(34 * 8);
  let minFrame = Infinity;
  let maxFrame = 0;
  const interleaved = new Uint8Array(BLOCK * nCh * (bps / 8));
  for (let start = 0, frameNo = 0; start < total; start += BLOCK, frameNo++) {
    const n = Math.min(BLOCK, total - start);
    const chans = ints.map((c) => c.subarray(start, start + n));
    // MD5 of the interleaved little-endian samples, as the FLAC spec defines it.
    let p = 0;
    for (let i = 0; i < n; i++) for (let c = 0; c < nCh; c++) for (let b = 0, v = chans[c][i]; b < bps / 8; b++) interleaved[p++] = (v >> (8 * b)) & 0xff;
    md5.update(interleaved.subarray(0, p));

    // Stereo: pick the cheapest of independent, left/side, right/side, mid/side.
    let assignment = nCh - 1;
    let subframes: { x: Int32Array; bps: number; plan: SubframePlan }[];
    const plain = chans.map((x) => ({ x, bps, plan: planSubframe(x, bps) }));
    subframes = plain;
    if (nCh === 2) {
      const [l, r] = chans;
      const side = new Int32Array(n);
      const mid = new Int32Array(n);
      for (let i = 0; i < n; i++) (side[i] = l[i] - r[i]), (mid[i] = (l[i] + r[i]) >> 1);
      const s = { x: side, bps: bps + 1, plan: planSubframe(side, bps + 1) };
      const m = { x: mid, bps, plan: planSubframe(mid, bps) };
      const options: [number, typeof subframes][] = [
        [1, plain],
        [8, [plain[0], s]],
        [9, [s, plain[1]]],
        [10, [m, s]],
      ];
      let bestBits = Infinity;
      for (const [a, sf] of options) {
        const bits = sf[0].plan.bits + sf[1].plan.bits;
        if (bits < bestBits) (bestBits = bits), (assignment = a), (subframes = sf);
      }
    }
    const frameStart = w.bytePos;
    w.write(0xfff8, 16);
    // Self-describing frame headers (block size and rate in the frame): decoders that feed frames to
    // libFLAC one by one, like @audio/decode-flac, never see STREAMINFO.
    w.write(n === BLOCK ? 0b1100 : 0b0111, 4);
    const rate = rateCode(sr);
    w.write(rate.code, 4);
    w.write(assignment, 4);
    w.write(bps === 16 ? 0b100 : 0b110, 3);
    w.write(0, 1);
    writeUtf8(w, frameNo);
    if (n !== BLOCK) w.write(n - 1, 16);
    if (rate.extraBits) w.write(rate.extra, rate.extraBits);
    w.write(crc8(w.buf, frameStart, w.bytePos), 8);
    for (const sf of subframes) writeSubframe(w, sf.x, sf.bps, sf.plan);
    w.alignByte();
    w.write(crc16(w.buf, frameStart, w.bytePos), 16);
    const size = w.bytePos - frameStart;
    minFrame = Math.min(minFrame, size);
    maxFrame = Math.max(maxFrame, size);
  }
  const out = w.buf.slice(0, w.bytePos);
  const dv = new DataView(out.buffer);
  const blockMin = total >= BLOCK ? BLOCK : Math.max(16, total);
  dv.setUint16(info, blockMin);
  dv.setUint16(info + 2, Math.max(16, Math.min(BLOCK, total)));
  const put24 = (at: number, v: number) => out.set([(v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff], at);
  put24(info + 4, Number.isFinite(minFrame) ? minFrame : 0);
  put24(info + 7, maxFrame);
  // 20 bits rate, 3 bits channels-1, 5 bits bps-1, 36 bits total samples.
  out[info + 10] = (sr >> 12) & 0xff;
  out[info + 11] = (sr >> 4) & 0xff;
  out[info + 12] = ((sr & 0xf) << 4) | ((nCh - 1) << 1) | ((bps - 1) >> 4);
  out[info + 13] = (((bps - 1) & 0xf) << 4) | (Math.floor(total / 2 ** 32) & 0xf);
  dv.setUint32(info + 14, total >>> 0);
  out.set(md5.digest(), info + 18);
  return out;
}
