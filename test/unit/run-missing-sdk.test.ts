/**
 * A program that fails because its OpenTelemetry packages are not installed says what to do, in
 * every language, instead of only "exited with code 1 and made no spans" (Python: see
 * run-python-projects.test.ts). Node runs for real in a folder with no node_modules; the others'
 * messages are their runtimes' real words.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { explainGoFailure, explainJavaFailure, explainNodeFailure } from '../../src/run/languages/missingSdk';
import { runFile } from '../../src/run/runFile';
import { buildInject } from '../fixtures/node/sdk';

describe('run: a missing OpenTelemetry SDK is explained', function () {
  this.timeout(60_000);
  let dir: string;
  before(() => {
    buildInject();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'span-lens-nosdk-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('Node: a program requiring @opentelemetry/api where it is not installed gets the npm install command', async () => {
    const file = path.join(dir, 'app.js');
    fs.writeFileSync(file, "const { trace } = require('@opentelemetry/api');\ntrace.getTracer('x').startSpan('s').end();\n");
    const result = await runFile(file);
    assert.strictEqual(result.exitCode, 1);
    assert.strictEqual(result.failure, 'the OpenTelemetry package @opentelemetry/api is not installed for app.js: install it in the project (`npm install @opentelemetry/api`, with @opentelemetry/sdk-trace-node for the SDK)');
  });

  it('Node ESM, Go and Java: their runtimes’ words become what to do; other failures stay unexplained', () => {
    assert.match(explainNodeFailure('/w/a.mjs', "Error [ERR_MODULE_NOT_FOUND]: Cannot find package '@opentelemetry/sdk-trace-node' imported from /w/a.mjs")!, /npm install @opentelemetry\/sdk-trace-node/);
    assert.strictEqual(
      explainGoFailure('main.go:7:2: no required module provides package go.opentelemetry.io/otel/sdk/trace; to add it:\n\tgo get go.opentelemetry.io/otel/sdk/trace'),
      "the module does not require go.opentelemetry.io/otel/sdk/trace: add it in the module's folder (`go get go.opentelemetry.io/otel/sdk/trace`)",
    );
    assert.match(explainJavaFailure('Checkout.java:3: error: package io.opentelemetry.api.trace does not exist\nimport io.opentelemetry.api.trace.Span;')!, /io\.opentelemetry\.api\.trace\): add io\.opentelemetry:opentelemetry-sdk/);
    assert.match(explainJavaFailure('Exception in thread "main" java.lang.NoClassDefFoundError: io/opentelemetry/sdk/trace/SdkTracerProvider')!, /io\.opentelemetry\.sdk\.trace\.SdkTracerProvider/);
    for (const other of ["Cannot find module 'lodash'", 'panic: runtime error', 'java.lang.NullPointerException']) {
      assert.strictEqual(explainNodeFailure('/w/a.js', other) ?? explainGoFailure(other) ?? explainJavaFailure(other), undefined, other);
    }
  });
});
