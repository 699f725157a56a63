/**
 * The environment that points a program's OTLP exporter at the run's receiver. SDKs configured by
 * environment (Python `opentelemetry-instrument`, the OpenTelemetry Java agent, Go `autoexport`,
 * Rust `opentelemetry-otlp`, .NET, the Node SDK's OTLP exporters) read these variables.
 */

/** Protocols our receiver speaks, as OTEL_EXPORTER_OTLP_PROTOCOL names them. */
const HTTP_PROTOCOLS = new Set(['http/protobuf', 'http/json']);

/**
 * The OTLP variables to add to `env` so its exporter sends traces to `endpoint`
 * (`http://127.0.0.1:<port>`): OTEL_EXPORTER_OTLP_ENDPOINT and OTEL_EXPORTER_OTLP_TRACES_ENDPOINT
 * (`…/v1/traces`), OTEL_EXPORTER_OTLP_PROTOCOL and OTEL_EXPORTER_OTLP_TRACES_PROTOCOL
 * (`http/protobuf`). A user's own OTLP setup is left whole:
 * - endpoints only when neither endpoint variable is set, and no protocol is set other than an
 *   HTTP one (a gRPC exporter pointed at our HTTP receiver would lose its spans to both);
 * - protocols only when neither protocol variable is set and the endpoints are ours.
 * Empty values count as unset, as the SDKs treat them.
 */
export function otlpEnvironment(endpoint: string, env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const has = (name: string) => (env[name] ?? '').trim() !== '';
  const protocol = (env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL || env.OTEL_EXPORTER_OTLP_PROTOCOL || '').trim().toLowerCase();
  if (has('OTEL_EXPORTER_OTLP_ENDPOINT') || has('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT')) return {};
  if (protocol && !HTTP_PROTOCOLS.has(protocol)) return {};
  const base = endpoint.replace(/\/+$/, '');
  const out: Record<string, string> = {
    OTEL_EXPORTER_OTLP_ENDPOINT: base,
    OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${base}/v1/traces`,
  };
  if (!protocol) {
    out.OTEL_EXPORTER_OTLP_PROTOCOL = 'http/protobuf';
    out.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL = 'http/protobuf';
  }
  return out;
}
