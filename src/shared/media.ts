/** MIME types of the formats Recut decodes, for serving a song's file to the UI's audio player. */
export const MEDIA_TYPES: Record<string, string> = {
  wav: 'audio/wav',
  flac: 'audio/flac',
  mp3: 'audio/mpeg',
  'ogg-vorbis': 'audio/ogg',
};

/** The Electron app's scheme for song files: `recut-media://song/<songId>`. */
export const MEDIA_SCHEME = 'recut-media';
