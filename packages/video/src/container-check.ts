import { open } from 'node:fs/promises';

/** ISO BMFF (MP4/MOV) top-level box types that may start a file. */
const ISO_BMFF_FIRST_BOXES = new Set(['ftyp', 'moov', 'mdat', 'free', 'skip', 'wide', 'pnot', 'styp', 'uuid', 'sidx', 'moof']);

/** Reads up to `length` bytes at `position` of an open file. */
async function readAt(handle: Awaited<ReturnType<typeof open>>, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.alloc(length);
  const { bytesRead } = await handle.read(buffer, 0, length, position);
  return buffer.subarray(0, bytesRead);
}

/** Whether the first bytes look like an ISO BMFF (MP4, MOV, M4V, 3GP) file. */
export function isIsoBmff(head: Buffer): boolean {
  return head.length >= 8 && ISO_BMFF_FIRST_BOXES.has(head.toString('latin1', 4, 8));
}

/**
 * Names the container the first bytes of a file belong to, when they carry a known video container
 * signature (MP4/MOV, Matroska/WebM, AVI, FLV, MPEG-TS, MPEG-PS, ASF/WMV, Ogg); undefined otherwise.
 * Used to tell a damaged video (`CORRUPT_VIDEO`) from something that is no video at all (`NOT_A_VIDEO`).
 */
export function sniffContainer(head: Buffer): string | undefined {
  if (isIsoBmff(head)) return 'mp4';
  if (head.length >= 4 && head.readUInt32BE(0) === 0x1a45dfa3) return 'matroska';
  if (head.length >= 12 && head.toString('latin1', 0, 4) === 'RIFF' && head.toString('latin1', 8, 11) === 'AVI') return 'avi';
  if (head.length >= 3 && head.toString('latin1', 0, 3) === 'FLV') return 'flv';
  if (head.length >= 189 && head[0] === 0x47 && head[188] === 0x47) return 'mpegts';
  if (head.length >= 4 && head.readUInt32BE(0) === 0x000001ba) return 'mpeg';
  if (head.length >= 4 && head.readUInt32BE(0) === 0x3026b275) return 'asf';
  if (head.length >= 4 && head.toString('latin1', 0, 4) === 'OggS') return 'ogg';
  return undefined;
}

/** Reads the first `length` bytes of a file. */
export async function readHead(path: string, length = 256): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    return await readAt(handle, 0, length);
  } finally {
    await handle.close();
  }
}

/**
 * Walks the top-level boxes of an ISO BMFF file, reading only their 8- or 16-byte headers, and
 * reports the first box that runs past the end of the file (a truncated download or copy).
 * Cost: one small read per top-level box (a handful for a normal MP4).
 * @returns a short reason such as `mdat box ends at byte 3318117 but the file has 1659058 bytes`,
 *   or undefined when every box fits.
 */
export async function findIsoBmffTruncation(path: string, fileSize: number): Promise<string | undefined> {
  const handle = await open(path, 'r');
  try {
    let offset = 0;
    for (let boxes = 0; offset < fileSize && boxes < 1_000_000; boxes += 1) {
      const header = await readAt(handle, offset, 16);
      if (header.length < 8) return `the file ends inside a box header at byte ${offset}`;
      const type = header.toString('latin1', 4, 8);
      let size = header.readUInt32BE(0);
      if (size === 0) return undefined; // the last box runs to the end of the file
      if (size === 1) {
        if (header.length < 16) return `the file ends inside the ${type} box header at byte ${offset}`;
        size = Number(header.readBigUInt64BE(8));
      }
      if (size < 8) return `${type} box at byte ${offset} has an impossible size ${size}`;
      if (offset + size > fileSize) return `${type} box ends at byte ${offset + size} but the file has ${fileSize} bytes`;
      offset += size;
    }
    return undefined;
  } finally {
    await handle.close();
  }
}
