/**
 * OUT bind values back into JS: one per bind, LOB locators and REF CURSORs made into objects
 * where the session is known.
 *
 * @module
 */

import type { EncodedBinds } from "./_binds.ts";
import { type LobLocator, type RefCursorValue, ValueReader } from "./_values.ts";
import { BIND_IN, DB_TYPE_NUMBER } from "./types.ts";

/** An OUT value as JS gets it (arrays element by element). */
export function outValue(v: unknown, type: number): unknown {
  if (Array.isArray(v)) return v.map((x) => outValue(x, type));
  // Large or exact NUMBERs arrive as text; a NUMBER OUT bind gives a JS number.
  return type === DB_TYPE_NUMBER && typeof v === "string" ? Number(v) : v;
}

/** What OUT LOB locators and REF CURSORs become (made where the session is known). */
export interface OutMakers {
  lob: (raw: LobLocator) => unknown;
  cursor: (raw: RefCursorValue) => unknown;
}

/**
 * Maps the native OUT values (one per bind, IN binds as NULL) to an array or an object; LOB
 * locators (CLOB/BLOB OUT binds in thin mode) and REF CURSORs become what `makers` make of them.
 */
export function decodeOutBinds(
  binds: EncodedBinds,
  data: Uint8Array | null,
  makers?: OutMakers,
): unknown[] | Record<string, unknown> | undefined {
  if (data === null || !binds.native.dirs.some((d) => d !== BIND_IN)) return undefined;
  return readOutRow(new ValueReader(data), binds, makers);
}

/** Reads one value per bind from `r` and keeps the OUT ones (see {@link decodeOutBinds}). */
export function readOutRow(
  r: ValueReader,
  binds: EncodedBinds,
  makers?: OutMakers,
): unknown[] | Record<string, unknown> {
  const { dirs, names, types } = binds.native;
  const list: unknown[] = [];
  const byName: Record<string, unknown> = {};
  for (let i = 0; i < binds.count; i++) {
    const v = r.read();
    if (dirs[i] === BIND_IN) continue;
    const value = makers !== undefined && r.lastWasLob
      ? makers.lob(v as LobLocator)
      : makers !== undefined && r.lastWasLobArray
      ? (v as (LobLocator | null)[]).map((e) => e === null ? null : makers.lob(e))
      : makers !== undefined && r.lastWasCursor
      ? makers.cursor(v as RefCursorValue)
      : outValue(v, types[i]);
    if (names) byName[names[i]] = value;
    else list.push(value);
  }
  return names ? byName : list;
}
