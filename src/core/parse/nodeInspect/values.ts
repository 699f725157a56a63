/**
 * What the reader makes of a util.inspect block: its own value kinds for what util.inspect cut or
 * elided (CutString, CutArray, Elided), the exporter's top-level fields, and the memos that let
 * spans share the resource, scope and status they repeat.
 */
import type { Attributes, InstrumentationScope, SpanStatus } from '../../model';
import { setAttribute } from '../kernel/attributes';
import { ownCopy } from '../kernel/text';

/** Base of the reader's own value kinds, so that anything else of type object is an array or an object literal. */
class Special {}

/** A string util.inspect cut at `maxStringLength`: the printed start and how many characters are missing. */
export class CutString extends Special {
  constructor(
    readonly text: string,
    readonly more: number,
  ) {
    super();
  }
}

/** An array (or Map/Set) util.inspect cut at `maxArrayLength`: the printed items and how many are missing. */
export class CutArray extends Special {
  constructor(
    readonly items: unknown[],
    readonly more: number,
  ) {
    super();
  }
}

/** A value util.inspect did not print: `[Array]`, `[Object]`, `[TraceStateImpl]`, `[Circular *1]`, `[Function: f]`. */
export class Elided extends Special {
  constructor(readonly tag: string) {
    super();
  }
}

/**
 * An object literal (`{ a: 1 }`, `Foo { ... }`, `Map(1) { 'k' => 'v' }`) as a plain object: objects
 * of one shape repeat span after span and V8 makes those cheap, and attribute maps made only of
 * plain values are handed on as they are. `__proto__` is defined, never assigned.
 */
export type InspectObject = Record<string, unknown>;

export function isObject(v: unknown): v is InspectObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Special);
}

/** The exporter's top-level fields, read straight into a fixed shape. */
export class TopFields {
  traceId: unknown = undefined;
  id: unknown = undefined;
  name: unknown = undefined;
  hasName = false;
  /** Start and duration: ns already (bigint), the printed µs text (exact), a number word (NaN), or undefined. */
  timestamp: unknown = undefined;
  duration: unknown = undefined;
  hasTimes = 0;
  parent: unknown = undefined;
  /** Which parent field was printed: SDK 2.x `parentSpanContext`, 1.x `parentId`, or none. */
  parentField: 'context' | 'id' | null = null;
  kind: unknown = undefined;
  hasKind = false;
  traceState: unknown = undefined;
  attributes: unknown = undefined;
  status: unknown = undefined;
  hasStatus = false;
  events: unknown = undefined;
  hasEvents = false;
  links: unknown = undefined;
  hasLinks = false;
  resource: unknown = undefined;
  hasResource = false;
  scope: unknown = undefined;
  hasScope = false;
  /** Where resource / scope were read from, to memoise them; or their memoised values. */
  resourceKey: MemoKey | null = null;
  resourceHit: Attributes | null = null;
  scopeKey: MemoKey | null = null;
  scopeHit: InstrumentationScope | null = null;
  statusKey: MemoKey | null = null;
  statusHit: SpanStatus | null = null;
}

/** The exact text an object value was read from, `{` to `}`. */
export interface MemoKey {
  text: string;
}

/**
 * The last resource / scope / status read, by the exact text they were printed as. Every span of
 * a run repeats the first two verbatim, most repeat `status: { code: 0 }`, and for small spans
 * re-reading them is most of the work; an object's value depends on its text alone (`{` to `}`),
 * so reuse is exact. Callers get copies.
 */
class Memo<T> {
  key: MemoKey | null = null;
  value: T | null = null;
}
export const resourceMemo = new Memo<Attributes>();

/** ownCopy of a string the memos keep beyond one parse (null passes through). */
export function detachText<T extends string | null>(s: T): T {
  return (typeof s === 'string' ? ownCopy(s) : s) as T;
}

export function detachKey(key: MemoKey): MemoKey {
  return { text: detachText(key.text) };
}

export function detachAttributes(attrs: Attributes): Attributes {
  const out: Attributes = {};
  for (const k of Object.keys(attrs)) {
    const v = attrs[k];
    const value = typeof v === 'string' ? detachText(v) : Array.isArray(v) ? v.map((x) => (typeof x === 'string' ? detachText(x) : x)) : v;
    setAttribute(out, k, value);
  }
  return out;
}
export const scopeMemo = new Memo<InstrumentationScope>();
export const statusMemo = new Memo<SpanStatus>();
