/**
 * JSON helpers for what the CLI and the framed format write: bigint and non-finite numbers kept
 * exact. The reading side (the lenient reader the parsers share) lives in parse/kernel/json.ts and
 * is re-exported here for the importers outside the parsers.
 */
export { ANY_JSON_STRING, JSON_STRING_BODY, JsonSyntaxError, jsonStringBody, parseJson, parseJsonLoose, readJsonRecord } from './parse/kernel/json';
export { ownCopy } from './parse/kernel/text';

/**
 * JSON.stringify that writes bigint as an exact integer and non-finite numbers as the SCHEMA.md
 * wrapper `{"$float": "NaN"}`. `indent` as in JSON.stringify.
 */
export function stringifyJson(value: unknown, indent?: number): string {
  const bigints: string[] = [];
  const marker = '\u0000big:';
  const s = JSON.stringify(
    value,
    (_key, v: unknown) => {
      if (typeof v === 'bigint') {
        bigints.push(v.toString());
        return marker + (bigints.length - 1);
      }
      if (typeof v === 'number' && !Number.isFinite(v)) {
        return { $float: Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity' };
      }
      return v;
    },
    indent,
  );
  if (bigints.length === 0) return s;
  return s.replace(/"\\u0000big:(\d+)"/g, (_m, idx: string) => bigints[Number(idx)]);
}
