/**
 * Writes a corpus of broken, lying, odd and unsupported "audio" files, each with the outcome
 * Recut's decoder must give (a typed RecutError kind, or 'ok' for odd-but-valid files).
 *
 *   npx tsx scripts/make-corrupt-corpus.ts OUT_DIR     # writes the files + manifest.json
 *
 * Tests call `generateCorruptCorpus(dir)`. Valid sources are synthesised here (WAV via encodeWav,
 * FLAC via our encoder); MP3/Ogg come from test/fixtures/audio (our own synthesised audio).
 */
import { mkdir, readFile, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ErrorKind } from '../src/shared/errors';
import { encodeFlac } from '../src/engine/audio/flac-encode';
import { encodeWav } from '../src/engine/audio/wav-encode';
import type { PcmAudio } from '../src/engine/audio/pcm';

export type Outcome = 'ok' | ErrorKind;

export interface CorpusEntry {
  file: string;
  /** Acceptable outcomes; more than one where the format cannot tell (a cut MP3 is still MP3). */
  expect: Outcome[];
  note: string;
}

const FIXTURES = fileURLToPath(new URL('../test/fixtures/audio/', import.meta.url));

function prng(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

function tone(seconds: number, sr: number, nCh: number): PcmAudio {
  const n = Math.round(seconds * sr);
  return {
    sampleRate: sr,
    channels: Array.from({ length: nCh }, (_, c) => Float32Array.from({ length: n }, (_, i) => 0.5 * Math.sin((2 * Math.PI * (330 + 110 * c) * i) / sr))),
  };
}

/** A RIFF/WAVE file from raw parts, for headers no honest encoder writes. */
function rawWav(opts: {
  tag?: number; channels?: number; rate?: number; bits?: number; blockAlign?: number;
  dataBytes?: number; declared?: number; fmtSize?: number; order?: 'fmt-data' | 'data-fmt'; fill?: (b: Buffer) => void;
}): Buffer {
  const ch = opts.channels ?? 2, bits = opts.bits ?? 16, rate = opts.rate ?? 44100;
  const blockAlign = opts.blockAlign ?? (ch * bits) / 8;
  const fmt = Buffer.alloc(8 + 16);
  fmt.write('fmt ', 0);
  fmt.writeUInt32LE(opts.fmtSize ?? 16, 4);
  fmt.writeUInt16LE(opts.tag ?? 1, 8);
  fmt.writeUInt16LE(ch, 10);
  fmt.writeUInt32LE(rate >>> 0, 12);
  fmt.writeUInt32LE((rate * blockAlign) >>> 0, 16);
  fmt.writeUInt16LE(blockAlign, 20);
  fmt.writeUInt16LE(bits, 22);
  const n = opts.dataBytes ?? 4410 * blockAlign;
  const data = Buffer.alloc(8 + n);
  data.write('data', 0);
  data.writeUInt32LE((opts.declared ?? n) >>> 0, 4);
  opts.fill?.(data.subarray(8));
  const body = opts.order === 'data-fmt' ? [data, fmt] : [fmt, data];
  const head = Buffer.alloc(12);
  head.write('RIFF', 0);
  head.writeUInt32LE(4 + body.reduce((s, b) => s + b.length, 0), 4);
  head.write('WAVE', 8);
  return Buffer.concat([head, ...body]);
}

const sineFill = (b: Buffer) => {
  for (let i = 0; i + 1 < b.length; i += 2) b.writeInt16LE(Math.round(8000 * Math.sin(i / 20)), i);
};

export async function generateCorruptCorpus(dir: string): Promise<CorpusEntry[]> {
  await mkdir(dir, { recursive: true });
  const entries: CorpusEntry[] = [];
  const put = async (file: string, bytes: Uint8Array | string, expect: Outcome | Outcome[], note: string) => {
    await writeFile(join(dir, file), bytes);
    entries.push({ file, expect: Array.isArray(expect) ? expect : [expect], note });
  };
  const rnd = prng(0x5eed);
  const random = (n: number) => {
    const b = Buffer.alloc(n);
    for (let i = 0; i < n; i++) b[i] = Math.floor(rnd() * 256);
    b[0] = 0x42; // never a sync byte or magic by accident
    return b;
  };

  const wav16 = Buffer.from(encodeWav(tone(1, 44100, 2), { bitDepth: 16 }));
  const flac = Buffer.from(encodeFlac(tone(1, 44100, 2), { bitDepth: 16 }));
  const mp3 = await readFile(join(FIXTURES, 'tone-stereo-44k.mp3'));
  const ogg = await readFile(join(FIXTURES, 'tone-stereo-44k.ogg'));

  // Valid files, including odd-but-legal ones.
  await put('valid-16.wav', wav16, 'ok', 'plain 16-bit stereo');
  await put('valid-24-mono-96k.wav', encodeWav(tone(0.5, 96000, 1), { bitDepth: 24 }), 'ok', '24-bit mono 96 kHz');
  await put('valid-f32-8k.wav', encodeWav(tone(0.5, 8000, 2), { bitDepth: 32, float: true }), 'ok', 'float32 8 kHz');
  await put('valid.flac', flac, 'ok', 'our FLAC encoder');
  await put('valid.mp3', mp3, 'ok', 'LAME fixture');
  await put('valid.ogg', ogg, 'ok', 'oggenc fixture');
  await put('silence.wav', encodeWav({ sampleRate: 44100, channels: [new Float32Array(44100)] }, { bitDepth: 16 }), 'ok', 'digital silence');
  const click = new Float32Array(44100);
  click[22050] = 1;
  await put('single-click.wav', encodeWav({ sampleRate: 44100, channels: [click] }, { bitDepth: 16 }), 'ok', 'one full-scale sample');
  await put('data-before-fmt.wav', rawWav({ order: 'data-fmt', fill: sineFill }), 'ok', 'data chunk precedes fmt');
  await put('size-placeholder.wav', rawWav({ declared: 0xffffffff, fill: sineFill }), 'ok', 'streaming writer never patched the sizes');
  const list = (pad: boolean) => {
    const chunk = Buffer.alloc(8 + 5 + (pad ? 1 : 0));
    chunk.write('LIST', 0);
    chunk.writeUInt32LE(5, 4);
    chunk.write('INFOx', 8);
    return Buffer.concat([wav16.subarray(0, 36), chunk, wav16.subarray(36)]);
  };
  await put('odd-chunk-padded.wav', list(true), 'ok', 'odd-sized LIST chunk with its pad byte');
  await put('odd-chunk-unpadded.wav', list(false), 'ok', 'odd-sized LIST chunk without the pad byte');
  await put('wav-named.mp3', wav16, 'ok', 'a WAV with an .mp3 name');
  await put('mp3-named.flac', mp3, 'ok', 'an MP3 with a .flac name');
  await put('flac-named.wav', flac, 'ok', 'a FLAC with a .wav name');
  await put('ogg-named.mp3', ogg, 'ok', 'an Ogg with an .mp3 name');
  await put('u8-mono-8k.wav', rawWav({ channels: 1, bits: 8, rate: 8000, fill: (b) => b.fill(128) }), 'ok', '8-bit unsigned PCM');

  // Truncations.
  for (const [name, bytes, cuts, midOk] of [
    ['wav', wav16, [4, 12, 30, 44, 0.5, 0.9], false],
    ['flac', flac, [4, 12, 42, 0.5, 0.9], false],
    ['mp3', mp3, [4, 30, 0.5, 0.9], true],
    ['ogg', ogg, [4, 30, 0.5, 0.9], true],
  ] as const) {
    for (const cut of cuts) {
      const at = cut < 1 ? Math.floor(bytes.length * cut) : cut;
      const expect: Outcome[] = midOk && cut < 1 ? ['ok', 'corrupt_audio'] : ['corrupt_audio'];
      await put(`truncated-${at}.${name}`, bytes.subarray(0, at), expect, `first ${at} bytes of a valid ${name}`);
    }
  }

  // Garbage.
  for (const ext of ['wav', 'flac', 'mp3', 'ogg']) await put(`random.${ext}`, random(65536), 'corrupt_audio', 'random bytes');
  await put('random.m4a', random(4096), 'unsupported_format', 'random bytes, not an audio extension');
  await put('empty.wav', new Uint8Array(0), 'corrupt_audio', 'zero length');
  await put('empty.mp3', new Uint8Array(0), 'corrupt_audio', 'zero length');
  const flipped = Buffer.from(flac);
  for (let i = 2000; i < flipped.length; i += 997) flipped[i] ^= 0x5a;
  await put('bitflips.flac', flipped, ['corrupt_audio', 'ok'], 'bytes flipped inside frames (CRC failures)');
  const oggFlipped = Buffer.from(ogg);
  for (let i = 600; i < oggFlipped.length; i += 501) oggFlipped[i] ^= 0xa5;
  await put('bitflips.ogg', oggFlipped, ['corrupt_audio', 'ok'], 'bytes flipped inside pages');
  const mp3Junk = Buffer.concat([mp3.subarray(0, mp3.indexOf(Buffer.from([0xff, 0xfb])) + 4), random(20000)]);
  await put('mp3-header-then-junk.mp3', mp3Junk, ['corrupt_audio', 'ok'], 'one frame header, then noise');
  const id3Only = Buffer.alloc(10 + 100);
  id3Only.write('ID3', 0);
  id3Only[3] = 4;
  id3Only[9] = 100;
  await put('id3-tag-only.mp3', id3Only, 'corrupt_audio', 'an ID3v2 tag and nothing after it');

  // Lying headers.
  await put('claims-4gb.wav', rawWav({ declared: 0xfffffff0, dataBytes: 1024 }), 'corrupt_audio', 'data chunk claims 4 GB, holds 1 KB');
  await put('claims-4h.wav', rawWav({ declared: 4 * 3600 * 44100 * 4, dataBytes: 4096 }), 'corrupt_audio', 'header claims 4 hours');
  await put('channels-65535.wav', rawWav({ channels: 65535, blockAlign: 65535 * 2 & 0xffff, dataBytes: 1024 }), 'corrupt_audio', 'absurd channel count');
  await put('channels-16.wav', rawWav({ channels: 16, fill: sineFill }), 'unsupported_format', '16 channels (more than 8)');
  await put('channels-0.wav', rawWav({ channels: 0, blockAlign: 0 }), 'corrupt_audio', 'zero channels');
  await put('rate-0.wav', rawWav({ rate: 0 }), 'corrupt_audio', 'sample rate 0');
  await put('rate-4ghz.wav', rawWav({ rate: 4_000_000_000 }), 'corrupt_audio', 'sample rate 4 GHz');
  await put('rate-1khz.wav', rawWav({ rate: 1000, fill: sineFill }), 'unsupported_format', 'sample rate 1 kHz (below 8 kHz)');
  await put('bits-12.wav', rawWav({ bits: 12, blockAlign: 4 }), 'corrupt_audio', '12-bit PCM is not a WAV layout');
  await put('blockalign-wrong.wav', rawWav({ blockAlign: 3 }), 'corrupt_audio', 'block align inconsistent');
  await put('fmt-claims-1gb.wav', rawWav({ fmtSize: 1 << 30 }), 'corrupt_audio', 'fmt chunk size larger than the file');
  await put('no-data-samples.wav', rawWav({ dataBytes: 0, declared: 0 }), 'corrupt_audio', 'data chunk with no samples');
  await put('adpcm.wav', rawWav({ tag: 0x11, bits: 4, blockAlign: 1024 }), 'unsupported_format', 'IMA ADPCM');
  const nan = new Float32Array(4410).map((_, i) => (i === 100 ? NaN : i === 200 ? Infinity : 0.1));
  await put('nan-inf.wav', rawWav({ tag: 3, bits: 32, channels: 1, dataBytes: nan.byteLength, fill: (b) => b.set(new Uint8Array(nan.buffer)) }), 'corrupt_audio', 'float WAV with NaN and Inf');
  const flacLie = Buffer.from(flac);
  // STREAMINFO total samples (36 bits at byte 8+13..8+17): claim 4 hours.
  const total = 4 * 3600 * 44100;
  flacLie[21] = (flacLie[21] & 0xf0) | Math.floor(total / 2 ** 32);
  flacLie.writeUInt32BE(total >>> 0, 22);
  await put('flac-claims-4h.flac', flacLie, 'corrupt_audio', 'STREAMINFO claims 4 hours, frames hold 1 s');
  const flacRate0 = Buffer.from(flac);
  flacRate0[18] = 0;
  flacRate0[19] = 0;
  flacRate0[20] &= 0x0f;
  await put('flac-rate-0.flac', flacRate0, 'corrupt_audio', 'STREAMINFO sample rate 0');

  // Too long: a 4-hour WAV as a sparse file (costs no disk), a 35-minute 8-bit WAV (sparse too).
  const long = rawWav({ channels: 2, dataBytes: 0, declared: 4 * 3600 * 44100 * 4 });
  await put('four-hours-sparse.wav', long, 'audio_too_long', '4 h of stereo silence, 2.5 GB sparse');
  await truncate(join(dir, 'four-hours-sparse.wav'), long.length + 4 * 3600 * 44100 * 4);
  const mins35 = 35 * 60 * 8000;
  const w35 = rawWav({ channels: 1, bits: 8, rate: 8000, dataBytes: 0, declared: mins35 });
  await put('thirty-five-minutes.wav', w35, 'audio_too_long', '35 min of 8 kHz 8-bit mono');
  await truncate(join(dir, 'thirty-five-minutes.wav'), w35.length + mins35);

  // Formats we do not read.
  const box = (type: string, brand: string) => {
    const b = Buffer.alloc(32);
    b.writeUInt32BE(32, 0);
    b.write(type, 4);
    b.write(brand, 8);
    return Buffer.concat([b, random(2048)]);
  };
  await put('aac-in-m4a.m4a', box('ftyp', 'M4A '), 'unsupported_format', 'M4A container header');
  await put('video.mp4', box('ftyp', 'isom'), 'unsupported_format', 'MP4 container header');
  await put('movie.mov', box('ftyp', 'qt  '), 'unsupported_format', 'QuickTime header');
  await put('m4a-named.mp3', box('ftyp', 'M4A '), 'unsupported_format', 'an M4A with an .mp3 name');
  const adts = Buffer.concat([Buffer.from([0xff, 0xf1, 0x50, 0x80, 0x02, 0x1f, 0xfc]), random(1024)]);
  await put('raw.aac', adts, 'unsupported_format', 'ADTS AAC stream');
  await put('adts-named.mp3', adts, 'unsupported_format', 'ADTS AAC named .mp3');
  await put('webm.webm', Buffer.concat([Buffer.from([0x1a, 0x45, 0xdf, 0xa3]), random(1024)]), 'unsupported_format', 'Matroska/WebM');
  const aiff = Buffer.concat([Buffer.from('FORM\0\0\x10\0AIFFCOMM', 'latin1'), random(512)]);
  await put('sound.aiff', aiff, 'unsupported_format', 'AIFF');
  const opus = Buffer.from(ogg.subarray(0, 200));
  opus.write('OpusHead', 28);
  await put('opus.ogg', opus, 'unsupported_format', 'Ogg Opus');
  await put('notes.txt', 'This is a text file, not audio.\nSecond line.\n', 'unsupported_format', 'plain text');
  await put('notes-named.wav', 'RIFF? no, just text pretending to be audio.\n', 'unsupported_format', 'text named .wav');
  const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), random(256)]);
  await put('cover.png', png, 'unsupported_format', 'PNG image');
  await put('cover-named.flac', png, 'unsupported_format', 'PNG named .flac');
  await put('rf64.wav', Buffer.concat([Buffer.from('RF64\xff\xff\xff\xffWAVE', 'latin1'), random(256)]), 'unsupported_format', 'RF64');

  await writeFile(join(dir, 'manifest.json'), JSON.stringify(entries, null, 2) + '\n');
  return entries;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const out = process.argv[2];
  if (!out) {
    console.error('usage: npx tsx scripts/make-corrupt-corpus.ts OUT_DIR');
    process.exit(2);
  }
  const entries = await generateCorruptCorpus(out);
  console.log(`wrote ${entries.length} files and manifest.json to ${out}`);
}
