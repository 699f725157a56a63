/**
 * What the OTLP JSON speed tests (Java OtlpJsonLogging and OTLP JSON lines) both build their
 * exports from, and the spy that shows which texts JSON.parse was given.
 */
export const TRACE = '1b535d9eebf78bb53deb7758e36b2626';

export const kv = (key: string, value: Record<string, unknown>) => ({ key, value });

/** The Java SDK's resource, as an OTLP JSON object. */
export const RESOURCE = { attributes: [kv('service.name', { stringValue: 'checkout-svc' }), kv('telemetry.sdk.language', { stringValue: 'java' }), kv('telemetry.sdk.version', { stringValue: '1.66.0' })] };

/** The JSON text of one span as the exporter writes it (fields in proto order, ids as hex). */
export function spanJson(spanId: string, extra = ''): string {
  return `{"traceId":"${TRACE}","spanId":"${spanId}","parentSpanId":"a98cd4b2fc20184f","name":"s-${spanId}","kind":1,"startTimeUnixNano":"1795593372829129880","endTimeUnixNano":"1795593372844301734","attributes":[{"key":"n","value":{"intValue":"42"}}${extra}],"events":[],"links":[],"status":{},"flags":257}`;
}

/** The texts JSON.parse was given while `fn` ran. */
export function jsonParsed(fn: () => void): string[] {
  const original = JSON.parse;
  const seen: string[] = [];
  JSON.parse = ((text: string, reviver?: (this: unknown, key: string, value: unknown) => unknown) => {
    seen.push(String(text));
    return original(text, reviver);
  }) as typeof JSON.parse;
  try {
    fn();
  } finally {
    JSON.parse = original;
  }
  return seen;
}
