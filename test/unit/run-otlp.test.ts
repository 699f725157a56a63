/**
 * Runs whose programs export OTLP/HTTP: the run points them at its own receiver by environment
 * (unless the user set their own endpoint) and shows every span once, located, whether it came
 * over OTLP only (a program with no OpenTelemetry package at all) or over both OTLP and the
 * injection (the Node SDK's protobuf exporter: the injection's copy, with its call site, wins).
 */
import * as assert from 'assert';
import * as path from 'path';
import type { Span } from '../../src/core/model';
import { runFile, type RunResult } from '../../src/run/runFile';
import { buildInject, markerLine } from '../fixtures/node/sdk';
import { only } from './runSupport';

const FIXTURES = path.resolve(__dirname, '..', 'fixtures', 'otlp');

interface Captured {
  result: RunResult;
  stdout: string;
  stderr: string;
  notices: string[];
}

async function run(name: string, settings: Parameters<typeof runFile>[1] = {}): Promise<Captured> {
  let stdout = '';
  let stderr = '';
  const notices: string[] = [];
  const result = await runFile(path.join(FIXTURES, name), settings, {
    timeoutMs: 60_000,
    onOutput: (stream, chunk) => {
      if (stream === 'stdout') stdout += chunk;
      else stderr += chunk;
    },
    onNotice: (m) => notices.push(m),
  });
  assert.strictEqual(result.error, undefined, `run failed: ${result.error}`);
  assert.strictEqual(result.exitCode, 0, `the program failed:\n${stderr}`);
  return { result, stdout, stderr, notices };
}

/** Each name's span is there once, at its `// @span NAME` line of `file`. */
function assertLocated(spans: Span[], file: string, names: string[]): void {
  for (const name of names) {
    const span = only(spans, name);
    assert.deepStrictEqual(span.location && { file: span.location.file, line: span.location.line + 1 }, { file, line: markerLine(file, name) }, name);
  }
}

describe('runs that export OTLP', function () {
  this.timeout(120_000);
  before(() => buildInject());

  it('point the program at the run receiver, over HTTP/protobuf, when it set nothing', async () => {
    const { stdout } = await run('print_otlp_env.js');
    const env = JSON.parse(stdout);
    assert.match(env.OTEL_EXPORTER_OTLP_ENDPOINT, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.strictEqual(env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, `${env.OTEL_EXPORTER_OTLP_ENDPOINT}/v1/traces`);
    assert.strictEqual(env.OTEL_EXPORTER_OTLP_PROTOCOL, 'http/protobuf');
    assert.strictEqual(env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL, 'http/protobuf');
  });

  it("leave the user's own OTLP endpoint alone", async () => {
    const { stdout } = await run('print_otlp_env.js', { env: { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector.internal:4318/v1/traces' } });
    assert.deepStrictEqual(JSON.parse(stdout), {
      OTEL_EXPORTER_OTLP_ENDPOINT: null,
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector.internal:4318/v1/traces',
      OTEL_EXPORTER_OTLP_PROTOCOL: null,
      OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: null,
    });
  });

  it('show every span of a program that speaks only OTLP/HTTP JSON once, located from its code.* attributes', async () => {
    const file = path.join(FIXTURES, 'fetch_otlp_json.js');
    const { result, stdout } = await run('fetch_otlp_json.js');
    // Both posts (the second a retry of the first) were answered as the OTLP spec says.
    assert.strictEqual(stdout, 'POST 200 {}\nPOST 200 {}\n');
    assert.deepStrictEqual(result.spans.map((s) => s.name).sort(), ['handle', 'load', 'render']);
    // The relative code.file.path is resolved against the run's folder.
    assertLocated(result.spans, file, ['handle', 'load', 'render']);
    const handle = only(result.spans, 'handle');
    assert.strictEqual(only(result.spans, 'load').parentSpanId, handle.spanId);
    assert.deepStrictEqual(only(result.spans, 'load').status, { code: 'ERROR', message: 'timeout' });
    assert.strictEqual(handle.endTimeUnixNano! - handle.startTimeUnixNano, 30_000_000n);
    assert.strictEqual(handle.resource['service.name'], 'raw-json');
    assert.strictEqual(result.unlocated, undefined);
  });

  it("show a span the Node SDK's protobuf exporter and the injection both report once, at its call site", async () => {
    const file = path.join(FIXTURES, 'sdk_otlp_proto.js');
    const { result, stderr, stdout } = await run('sdk_otlp_proto.js');
    // The exporter, configured by environment only, reached the receiver and was answered 200.
    assert.match(stderr, /^otlp export: 3 spans, code 0$/m);
    assert.strictEqual(stdout, 'done\n');
    assert.deepStrictEqual(result.spans.map((s) => s.name).sort(), ['charge', 'checkout', 'ship']);
    // The injection's copy, with the call site, not the OTLP copy's code.* attributes.
    assertLocated(result.spans, file, ['checkout', 'charge', 'ship']);
    assert.strictEqual(only(result.spans, 'charge').origin?.format, 'span-lens');
    const checkout = only(result.spans, 'checkout');
    assert.strictEqual(only(result.spans, 'ship').parentSpanId, checkout.spanId);
  });
});
