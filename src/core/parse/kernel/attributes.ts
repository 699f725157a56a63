/**
 * Attribute maps whose keys come from the program's output. A plain assignment of the key
 * `__proto__` would replace the object's prototype instead of adding the attribute (and JSON.parse
 * makes such an own key), so every reader stores keys through here.
 */
import type { Attributes } from '../../model';

/** Store `value` under `key` as an own, enumerable property, `__proto__` included. */
export function setAttribute(out: Attributes | Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  else (out as Record<string, unknown>)[key] = value;
}
