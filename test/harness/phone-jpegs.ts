import { Raster } from '../../src/demo/raster.js';

// Real JPEGs (jpeg-js) with what phones write after their end marker, built in code: an MP4
// appended with and without Motion Photo XMP, a multi-picture (MPF) file, trailing zeros.

/** Deterministic bytes (xorshift), so the trailers hold FF D9 pairs as real video data does. */
export function noise(length: number, seed: number): Buffer {
  const bytes = Buffer.alloc(length);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    bytes[i] = x & 0xff;
  }
  return bytes;
}

/** A real JPEG of `width` x `height`: a gradient, or noise (which compresses badly: a large file). */
export function realJpeg(width: number, height: number, noisy = false): Buffer {
  const raster = new Raster(width, height);
  const random = noisy ? noise(width * height, 7) : undefined;
  raster.paint((x, y) => (random ? [random[y * width + x], (x * 7) & 0xff, (y * 5) & 0xff] : [(x * 255) / width, (y * 255) / height, 128]));
  return raster.jpeg(90);
}

/** An ISO-BMFF file as a phone's video starts: an `ftyp` box, then an `mdat` box of `length` bytes in all. */
export function mp4Like(length: number): Buffer {
  const ftyp = Buffer.concat([Buffer.from([0, 0, 0, 24]), Buffer.from('ftypisom\0\0\x02\0isommp42', 'latin1')]);
  const mdat = Buffer.alloc(8);
  mdat.writeUInt32BE(length - ftyp.length, 0);
  mdat.write('mdat', 4, 'latin1');
  return Buffer.concat([ftyp, mdat, noise(length - ftyp.length - 8, 11)]);
}

/** An APPn segment. */
export function appSegment(marker: number, data: Buffer): Buffer {
  const head = Buffer.from([0xff, marker, 0, 0]);
  head.writeUInt16BE(data.length + 2, 2);
  return Buffer.concat([head, data]);
}

/** The JPEG with `segments` right after its SOI (where phones put EXIF, XMP and MPF). */
export function withSegments(jpeg: Buffer, ...segments: Buffer[]): Buffer {
  return Buffer.concat([jpeg.subarray(0, 2), ...segments, jpeg.subarray(2)]);
}

/** APP1 XMP as a Google Motion Photo writes it: the video is the last `videoLength` bytes. */
export function motionPhotoXmp(videoLength: number, form: 'micro-video' | 'container'): Buffer {
  const description = form === 'micro-video'
    ? `<rdf:Description xmlns:GCamera="http://ns.google.com/photos/1.0/camera/" GCamera:MicroVideo="1" GCamera:MicroVideoVersion="1" GCamera:MicroVideoOffset="${videoLength}" GCamera:MicroVideoPresentationTimestampUs="1"/>`
    : `<rdf:Description xmlns:GCamera="http://ns.google.com/photos/1.0/camera/" xmlns:Container="http://ns.google.com/photos/1.0/container/" xmlns:Item="http://ns.google.com/photos/1.0/container/item/" GCamera:MotionPhoto="1" GCamera:MotionPhotoVersion="1">
  <Container:Directory><rdf:Seq>
    <rdf:li rdf:parseType="Resource"><Container:Item Item:Mime="image/jpeg" Item:Semantic="Primary" Item:Length="0" Item:Padding="0"/></rdf:li>
    <rdf:li rdf:parseType="Resource"><Container:Item Item:Mime="video/mp4" Item:Semantic="MotionPhoto" Item:Length="${videoLength}" Item:Padding="0"/></rdf:li>
  </rdf:Seq></Container:Directory></rdf:Description>`;
  const packet = `<?xpacket begin="\uFEFF" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">${description}</rdf:RDF></x:xmpmeta><?xpacket end="w"?>`;
  return appSegment(0xe1, Buffer.concat([Buffer.from('http://ns.adobe.com/xap/1.0/\0', 'latin1'), Buffer.from(packet, 'utf8')]));
}

/** A Motion Photo: the JPEG with its XMP, then an MP4 of `videoLength` bytes. */
export function motionPhoto(jpeg: Buffer, videoLength: number, form: 'micro-video' | 'container' = 'micro-video'): Buffer {
  return Buffer.concat([withSegments(jpeg, motionPhotoXmp(videoLength, form)), mp4Like(videoLength)]);
}

/**
 * A multi-picture file (CIPA DC-007): the primary JPEG with an APP2 MPF index of two entries,
 * then the second JPEG. `id` other than "MPF" makes the same bytes without a readable index.
 */
export function mpfFile(primary: Buffer, second: Buffer, id = 'MPF'): Buffer {
  // "MPF\0", TIFF header (little-endian), IFD of 3 entries, then two 16-byte MP entries.
  const data = Buffer.alloc(4 + 8 + 2 + 3 * 12 + 4 + 32);
  data.write(`${id}\0`, 0, 'latin1');
  const tiff = 4;
  data.write('II', tiff, 'latin1');
  data.writeUInt16LE(42, tiff + 2);
  data.writeUInt32LE(8, tiff + 4);
  let at = tiff + 8;
  data.writeUInt16LE(3, at);
  at += 2;
  const entriesAt = 8 + 2 + 3 * 12 + 4; // relative to the TIFF header
  const tag = (id: number, type: number, count: number, value: number | string) => {
    data.writeUInt16LE(id, at);
    data.writeUInt16LE(type, at + 2);
    data.writeUInt32LE(count, at + 4);
    if (typeof value === 'string') data.write(value, at + 8, 'latin1');
    else data.writeUInt32LE(value, at + 8);
    at += 12;
  };
  tag(0xb000, 7, 4, '0100'); // MPFVersion
  tag(0xb001, 4, 1, 2); // NumberOfImages
  tag(0xb002, 7, 32, entriesAt); // MPEntry
  const segment = appSegment(0xe2, data);
  const primarySize = primary.length + segment.length;
  const entries = tiff + entriesAt;
  data.writeUInt32LE(0x20030000, entries); // primary, baseline
  data.writeUInt32LE(primarySize, entries + 4);
  data.writeUInt32LE(0, entries + 8);
  data.writeUInt32LE(0x00010001, entries + 16); // large thumbnail
  data.writeUInt32LE(second.length, entries + 20);
  // The second image's offset counts from the TIFF header: the segment's marker + length + "MPF\0".
  data.writeUInt32LE(primarySize - (2 + 4 + tiff), entries + 24);
  return Buffer.concat([withSegments(primary, appSegment(0xe2, data)), second]);
}
