/**
 * Reads the free-form metadata (`metadata_props`) of an ONNX model file without onnxruntime, by
 * scanning the top-level fields of the `ModelProto` protobuf message (ONNX `onnx.proto3`: field 14,
 * repeated `StringStringEntryProto { key = 1; value = 2 }`). Ultralytics writes its export settings
 * there (`imgsz`, `names`, `stride`, `task`, `batch`...).
 */
import { readFile } from 'node:fs/promises';
import { LongVidError } from '@longvid/core';

/** Field number of `metadata_props` in `ModelProto`. */
const METADATA_FIELD = 14;

/**
 * The `metadata_props` of an ONNX model file as a key → value map (empty when the model has none).
 * Reads the whole file (models LongVid uses are a few MB); only the top-level message is parsed.
 * @throws LongVidError `MODEL_FAILED` when the bytes are not a protobuf message (not an ONNX file),
 *   with the path in `details`; the file system's error when it cannot be read.
 */
export async function readOnnxMetadata(path: string): Promise<Record<string, string>> {
  return parseOnnxMetadata(await readFile(path), path);
}

/**
 * {@link readOnnxMetadata} on bytes already read.
 * @param where Path or name for error messages.
 * @throws LongVidError `MODEL_FAILED` when the bytes are not a protobuf message.
 */
export function parseOnnxMetadata(bytes: Uint8Array, where = 'ONNX model'): Record<string, string> {
  const metadata: Record<string, string> = {};
  const reader = new ProtobufReader(bytes, where);
  while (!reader.done) {
    const { field, wireType } = reader.tag();
    if (field === METADATA_FIELD && wireType === 2) {
      const entry = reader.message();
      let key: string | undefined;
      let value = '';
      while (!entry.done) {
        const inner = entry.tag();
        if (inner.wireType === 2 && inner.field === 1) key = entry.text();
        else if (inner.wireType === 2 && inner.field === 2) value = entry.text();
        else entry.skip(inner.wireType);
      }
      if (key !== undefined) metadata[key] = value;
    } else {
      reader.skip(wireType);
    }
  }
  return metadata;
}

/**
 * Parses Ultralytics' `names` metadata, a Python dict literal such as `{0: 'person', 1: 'bicycle'}`
 * (or a JSON array/object), into class names by index.
 * @returns the names, or undefined when the text is not such a mapping or leaves an index out.
 */
export function parseClassNames(text: string): string[] | undefined {
  const trimmed = text.trim();
  try {
    const json: unknown = JSON.parse(trimmed);
    if (Array.isArray(json) && json.every((name) => typeof name === 'string')) return json as string[];
  } catch {
    // Not JSON: a Python literal.
  }
  const names: string[] = [];
  const entry = /["']?(\d+)["']?\s*:\s*(?:'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)")/g;
  for (let match = entry.exec(trimmed); match; match = entry.exec(trimmed)) {
    names[Number(match[1])] = (match[2] ?? match[3] ?? '').replace(/\\(.)/g, '$1');
  }
  if (names.length === 0) return undefined;
  for (let index = 0; index < names.length; index += 1) if (names[index] === undefined) return undefined;
  return names;
}

/**
 * Parses Ultralytics' `imgsz` metadata (`[416, 416]` = height, width, or one number for a square).
 * @returns the input size in pixels, or undefined when the text is not such a size.
 */
export function parseImageSize(text: string): { width: number; height: number } | undefined {
  const numbers = (text.match(/\d+/g) ?? []).map(Number);
  if (numbers.length === 1 && numbers[0] > 0) return { width: numbers[0], height: numbers[0] };
  if (numbers.length === 2 && numbers[0] > 0 && numbers[1] > 0) return { height: numbers[0], width: numbers[1] };
  return undefined;
}

const decoder = new TextDecoder();

/** A minimal reader of protobuf wire format: tags, varints, length-delimited fields. */
class ProtobufReader {
  private position: number;

  constructor(
    private readonly bytes: Uint8Array,
    private readonly where: string,
    start = 0,
    private readonly end = bytes.length,
  ) {
    this.position = start;
  }

  get done(): boolean {
    return this.position >= this.end;
  }

  tag(): { field: number; wireType: number } {
    const value = this.varint();
    const field = Math.floor(value / 8);
    if (field < 1) this.fail(`field number 0 at byte ${this.position}`);
    return { field, wireType: value % 8 };
  }

  /** A nested message: a reader over the next length-delimited field. */
  message(): ProtobufReader {
    const length = this.length();
    const reader = new ProtobufReader(this.bytes, this.where, this.position, this.position + length);
    this.position += length;
    return reader;
  }

  text(): string {
    const length = this.length();
    const value = decoder.decode(this.bytes.subarray(this.position, this.position + length));
    this.position += length;
    return value;
  }

  skip(wireType: number): void {
    switch (wireType) {
      case 0:
        this.varint();
        return;
      case 1:
        this.advance(8);
        return;
      case 2:
        this.advance(this.length());
        return;
      case 5:
        this.advance(4);
        return;
      default:
        this.fail(`unsupported wire type ${wireType} at byte ${this.position}`);
    }
  }

  private length(): number {
    const length = this.varint();
    if (this.position + length > this.end) this.fail(`a field of ${length} bytes runs past the end at byte ${this.position}`);
    return length;
  }

  private advance(count: number): void {
    if (this.position + count > this.end) this.fail(`truncated at byte ${this.position}`);
    this.position += count;
  }

  /** A varint as a JavaScript number (exact up to 2^53; larger values only need to be skipped). */
  private varint(): number {
    let value = 0;
    let scale = 1;
    for (let count = 0; count < 10; count += 1) {
      if (this.position >= this.end) this.fail('truncated varint');
      const byte = this.bytes[this.position];
      this.position += 1;
      value += (byte & 0x7f) * scale;
      if ((byte & 0x80) === 0) return value;
      scale *= 128;
    }
    return this.fail(`varint longer than 10 bytes at byte ${this.position}`);
  }

  private fail(reason: string): never {
    throw new LongVidError('MODEL_FAILED', `${this.where} is not an ONNX model (protobuf: ${reason})`, {
      details: { path: this.where },
      hint: 'pass the path of a .onnx model file',
    });
  }
}
