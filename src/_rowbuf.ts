/**
 * The compact byte layouts the addon and the JS layer exchange for binds, execute results and
 * fetched rows (native/node/BOUNDARY.md).
 *
 * @module
 */

import type { NativeBinds, NativeColumn, NativeExecResult, NativeRows } from "./_native_types.ts";

const utf8 = new TextDecoder();
const encoder = new TextEncoder();

/** Bind specs as the addon reads them: u32 count, u8 named, then per bind dir, type, maxSize, name. */
export function packSpecs(b: NativeBinds): Uint8Array | null {
  const n = b.dirs.length;
  if (n === 0) return null;
  const names = b.names?.map((x) => encoder.encode(x));
  const arrays = b.arraySizes;
  let size = 5 + n * 6;
  if (names) { for (const x of names) size += 4 + x.length; }
  // An array bind: flag 0x10 on its direction, its u32 maxArraySize after the max size.
  if (arrays) { for (const a of arrays) if (a > 0) size += 4; }
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  view.setUint32(0, n, true);
  out[4] = names ? 1 : 0;
  let pos = 5;
  for (let i = 0; i < n; i++) {
    out[pos] = b.dirs[i];
    out[pos + 1] = b.types[i];
    view.setUint32(pos + 2, b.maxSizes[i], true);
    pos += 6;
    if (arrays && arrays[i] > 0) {
      out[pos - 6] |= 0x10;
      view.setUint32(pos, arrays[i], true);
      pos += 4;
    }
    if (names) {
      view.setUint32(pos, names[i].length, true);
      out.set(names[i], pos + 4);
      pos += 4 + names[i].length;
    }
  }
  return out;
}

/**
 * Reads column descriptions at `pos` (the execute result's, and a REF CURSOR value's): u32
 * count, then per column type, size, precision, scale, flags (1 nullable, 2 national character
 * set), name length, name. Returns
 * them and the position after them.
 */
export function readColumns(
  buf: Uint8Array,
  view: DataView,
  pos: number,
): [NativeColumn[], number] {
  const n = view.getUint32(pos, true);
  pos += 4;
  const columns: NativeColumn[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const len = view.getUint32(pos + 8, true);
    if (pos + 12 + len > buf.length) throw new RangeError("column descriptions are truncated");
    columns[i] = {
      dbType: buf[pos],
      size: view.getUint32(pos + 1, true),
      precision: view.getInt8(pos + 5),
      scale: view.getInt8(pos + 6),
      nullable: (buf[pos + 7] & 1) !== 0,
      national: (buf[pos + 7] & 2) !== 0,
      name: utf8.decode(buf.subarray(pos + 12, pos + 12 + len)),
    };
    pos += 12 + len;
  }
  return [columns, pos];
}

/** Reads the execute-result buffer: rows first, then the fields; the last u32 is where they start. */
export function unpackExecResult(buf: Uint8Array): NativeExecResult {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const metaAt = view.getUint32(buf.length - 4, true);
  let pos = metaAt;
  const flags = buf[pos];
  const cursorId = view.getUint32(pos + 1, true);
  const rowsAffected = view.getFloat64(pos + 5, true);
  pos += 13;
  let columns: NativeColumn[] | null = null;
  if (flags & 1) [columns, pos] = readColumns(buf, view, pos);
  let rows: NativeRows | null = null;
  if (flags & 2) {
    rows = {
      data: buf.subarray(0, metaAt),
      rowCount: view.getUint32(pos, true),
      done: !!(flags & 4),
    };
    pos += 4;
  }
  let outBinds: Uint8Array | null = null;
  if (flags & 8) {
    const len = view.getUint32(pos, true);
    outBinds = buf.subarray(pos + 4, pos + 4 + len);
    pos += 4 + len;
  }
  let lastRowid: string | null = null;
  if (flags & 16) {
    const len = view.getUint32(pos, true);
    lastRowid = utf8.decode(buf.subarray(pos + 4, pos + 4 + len));
    pos += 4 + len;
  }
  let implicitResults: Uint8Array | null = null;
  if (flags & 32) {
    const len = view.getUint32(pos, true);
    implicitResults = buf.subarray(pos + 4, pos + 4 + len);
  }
  return { cursorId, columns, rows, rowsAffected, outBinds, lastRowid, implicitResults };
}

/** Reads a fetch buffer: rows, then u32 row count and u8 done. */
export function unpackRows(buf: Uint8Array): NativeRows {
  const end = buf.length - 5;
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  return {
    data: buf.subarray(0, end),
    rowCount: view.getUint32(end, true),
    done: buf[end + 4] !== 0,
  };
}
