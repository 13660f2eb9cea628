/**
 * VECTOR values (Oracle 23ai). Dense vectors are typed arrays: `Float32Array` (FLOAT32),
 * `Float64Array` (FLOAT64), `Int8Array` (INT8) and `Uint8Array` (BINARY, 8 dimensions a
 * byte); sparse vectors are {@linkcode SparseVector}s.
 *
 * @module
 */

import { ErrorCode, odbError } from "./errors.ts";

/** Oracle type number of VECTOR. @example `{ type: DB_TYPE_VECTOR, val: new Uint8Array([255]) }` */
export const DB_TYPE_VECTOR = 127;

/** The values of a vector, one typed array per storage format. */
export type VectorValues = Float32Array | Float64Array | Int8Array;

/**
 * A sparse vector: `numDimensions` dimensions, of which only those in `indices` are non-zero,
 * with `values[k]` the value of dimension `indices[k]`. Fetched from SPARSE columns and bound
 * as VECTOR.
 *
 * @example
 * ```ts
 * import { SparseVector } from "./vector.ts";
 * const v = new SparseVector({ numDimensions: 8, indices: [0, 7], values: [34.5, 77.25] });
 * console.log(v.values instanceof Float64Array); // true
 * ```
 */
export class SparseVector {
  /** The number of dimensions, zeros included. */
  readonly numDimensions: number;
  /** The non-zero dimensions, ascending. */
  readonly indices: Uint32Array;
  /** The values of those dimensions (a plain array becomes a `Float64Array`). */
  readonly values: VectorValues;

  /**
   * Checks and keeps the fields: as many indices as values, each index below `numDimensions`
   * (`ODB-3000` otherwise).
   *
   * @example
   * ```ts
   * import { SparseVector } from "./vector.ts";
   * const v = new SparseVector({ numDimensions: 3, indices: [2], values: new Float32Array([1]) });
   * ```
   */
  constructor(
    fields: {
      numDimensions: number;
      indices: ArrayLike<number>;
      values: VectorValues | ArrayLike<number>;
    },
  ) {
    const { numDimensions, indices, values } = fields;
    const vals = values instanceof Float32Array || values instanceof Float64Array ||
        values instanceof Int8Array
      ? values
      : Float64Array.from(values);
    if (!Number.isInteger(numDimensions) || numDimensions < 0 || numDimensions > 0xFFFF_FFFF) {
      throw odbError(
        ErrorCode.UNSUPPORTED_BIND_VALUE,
        `SparseVector numDimensions must be a whole number, got ${numDimensions}`,
      );
    }
    if (indices.length !== vals.length) {
      throw odbError(
        ErrorCode.UNSUPPORTED_BIND_VALUE,
        `SparseVector has ${indices.length} indices but ${vals.length} values`,
      );
    }
    const ix = Uint32Array.from(indices);
    if (ix.some((i) => i >= numDimensions)) {
      throw odbError(
        ErrorCode.UNSUPPORTED_BIND_VALUE,
        `SparseVector index out of range for ${numDimensions} dimensions`,
      );
    }
    this.numDimensions = numDimensions;
    this.indices = ix;
    this.values = vals;
  }

  /** Every dimension's value, zeros filled in, as a `Float64Array`. */
  dense(): Float64Array {
    const out = new Float64Array(this.numDimensions);
    this.indices.forEach((i, k) => out[i] = this.values[k]);
    return out;
  }
}

/** A value bound or fetched as VECTOR. */
export type Vector = Float32Array | Float64Array | Int8Array | Uint8Array | SparseVector;

// Storage formats as numbered on the wire.
const FLOAT32 = 2;
const FLOAT64 = 3;
const INT8 = 4;
const BINARY = 5;

function formatOf(v: VectorValues | Uint8Array): number {
  if (v instanceof Float32Array) return FLOAT32;
  if (v instanceof Float64Array) return FLOAT64;
  if (v instanceof Int8Array) return INT8;
  return BINARY;
}

const WIDTH: Record<number, number> = { [FLOAT32]: 4, [FLOAT64]: 8, [INT8]: 1, [BINARY]: 1 };

/** True for the values bound as VECTOR (a `Uint8Array` only when declared VECTOR). */
export function isVectorBind(v: unknown, declared: number): v is Vector {
  return v instanceof Float32Array || v instanceof Float64Array || v instanceof Int8Array ||
    v instanceof SparseVector || (v instanceof Uint8Array && declared === DB_TYPE_VECTOR);
}

/**
 * The payload of the VECTOR tag (native/node/BOUNDARY.md): u8 format, u8 sparse, u32
 * dimensions, u32 count, sparse indices (u32 each), then the values, little-endian.
 */
export function vectorPayload(v: Vector): Uint8Array {
  const sparse = v instanceof SparseVector;
  const values = sparse ? v.values : v;
  const fmt = formatOf(values);
  const dims = sparse ? v.numDimensions : fmt === BINARY ? values.length * 8 : values.length;
  const n = values.length;
  const out = new Uint8Array(10 + (sparse ? 4 * n : 0) + WIDTH[fmt] * n);
  const view = new DataView(out.buffer);
  out[0] = fmt;
  out[1] = sparse ? 1 : 0;
  view.setUint32(2, dims, true);
  view.setUint32(6, n, true);
  let p = 10;
  if (sparse) {
    for (const i of v.indices) view.setUint32((p += 4) - 4, i, true);
  }
  for (let k = 0; k < n; k++) {
    if (fmt === FLOAT32) view.setFloat32(p, values[k], true);
    else if (fmt === FLOAT64) view.setFloat64(p, values[k], true);
    else if (fmt === INT8) view.setInt8(p, values[k]);
    else view.setUint8(p, values[k]);
    p += WIDTH[fmt];
  }
  return out;
}

function malformed(): never {
  throw odbError(ErrorCode.MALFORMED_VALUE_BUFFER, "Value buffer is malformed: bad VECTOR value");
}

/** Reads a VECTOR tag's payload at `pos`; the value and the position after it. */
export function readVectorPayload(buf: Uint8Array, pos: number): [Vector, number] {
  if (pos + 10 > buf.length) malformed();
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const fmt = buf[pos];
  const sparse = buf[pos + 1] !== 0;
  const dims = view.getUint32(pos + 2, true);
  const n = view.getUint32(pos + 6, true);
  const width = WIDTH[fmt];
  if (!width) malformed();
  let p = pos + 10;
  if (p + n * ((sparse ? 4 : 0) + width) > buf.length) malformed();
  const indices = new Uint32Array(sparse ? n : 0);
  for (let k = 0; k < indices.length; k++, p += 4) indices[k] = view.getUint32(p, true);
  let values: VectorValues | Uint8Array;
  if (fmt === FLOAT32) {
    values = new Float32Array(n);
    for (let k = 0; k < n; k++, p += 4) values[k] = view.getFloat32(p, true);
  } else if (fmt === FLOAT64) {
    values = new Float64Array(n);
    for (let k = 0; k < n; k++, p += 8) values[k] = view.getFloat64(p, true);
  } else {
    values = fmt === INT8 ? new Int8Array(n) : new Uint8Array(n);
    values.set(
      fmt === INT8 ? new Int8Array(buf.buffer, buf.byteOffset + p, n) : buf.subarray(p, p + n),
    );
    p += n;
  }
  if (!sparse) return [values, p];
  if (values instanceof Uint8Array) malformed();
  return [new SparseVector({ numDimensions: dims, indices, values }), p];
}
