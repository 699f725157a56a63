/**
 * The Java planner without running anything: which files are Maven sources, which class running
 * them means, where they run, and what a failed build says. run-java.test.ts runs the real thing.
 */
import * as assert from 'assert';
import * as path from 'path';
import { planLaunch, type LaunchHost } from '../../src/run/launch';
import { javaToolOptionsWithAgent } from '../../src/run/languages/java/agent';
import { mavenErrorSummary } from '../../src/run/languages/java/maven';
import { findJavaProject, javaPackageOf } from '../../src/run/languages/java/project';

/** A file system of these files and their text. */
function hostOf(files: Record<string, string>): LaunchHost {
  return { exists: (f) => f in files, readText: (f) => files[f] };
}

const ROOT = '/w/shop';
const MAIN = path.join(ROOT, 'src/main/java/com/shop/Checkout.java');
const TEST = path.join(ROOT, 'src/test/java/com/shop/CheckoutTest.java');
const LOOSE = path.join(ROOT, 'Script.java');
const HOST = hostOf({
  [path.join(ROOT, 'pom.xml')]: '<project/>',
  [MAIN]: '// header\npackage com.shop;\npublic class Checkout {}\n',
  [TEST]: 'package com.shop;\nclass CheckoutTest {}\n',
  [LOOSE]: 'class Script {}\n',
});

describe('run: Java planner (Maven modules, single files)', () => {
  it('a Maven main source runs as its class, in the module folder, once prepare has built the class path', () => {
    const plan = planLaunch(MAIN, { baseEnv: {}, args: ['a', 'b'], java: { args: ['-Xmx64m'] } }, { host: HOST });
    assert.strictEqual(plan.command, 'java');
    assert.deepStrictEqual(plan.args, ['-Xmx64m', 'com.shop.Checkout', 'a', 'b']);
    assert.strictEqual(plan.cwd, ROOT);
    assert.strictEqual(typeof plan.prepare, 'function', 'the build happens in prepare, not in the planner');
    assert.strictEqual(plan.env.OTEL_TRACES_EXPORTER, 'console');
  });

  it('spanLens.run.cwd still chooses the working folder', () => {
    assert.strictEqual(planLaunch(MAIN, { baseEnv: {}, cwd: '/elsewhere' }, { host: HOST }).cwd, '/elsewhere');
  });

  it('test sources are the module\'s test scope', () => {
    assert.deepStrictEqual(findJavaProject(TEST, HOST), { tool: 'maven', root: ROOT, scope: 'test', mainClass: 'com.shop.CheckoutTest' });
  });

  it('spanLens.java.classPath overrides the build: single-file source launch, nothing to prepare', () => {
    const plan = planLaunch(MAIN, { baseEnv: {}, java: { classPath: '/jars/*' } }, { host: HOST });
    assert.deepStrictEqual(plan.args, ['-cp', '/jars/*', MAIN]);
    assert.strictEqual(plan.prepare, undefined);
  });

  it('a file outside the module\'s source roots, or outside any module, runs as a single file', () => {
    for (const file of [LOOSE, '/w/alone/Hello.java']) {
      const plan = planLaunch(file, { baseEnv: {} }, { host: HOST });
      assert.deepStrictEqual(plan.args, [file]);
      assert.strictEqual(plan.prepare, undefined);
      assert.strictEqual(plan.cwd, path.dirname(file));
    }
  });

  it('the package is read past comments and annotations; none is the default package', () => {
    assert.strictEqual(javaPackageOf('/* package not.this; */\n// package nor.this;\n@Deprecated\npackage a.b_c.$d ;\nclass X {}'), 'a.b_c.$d');
    assert.strictEqual(javaPackageOf('import java.util.List;\nclass X { String s = "package x;"; }'), '');
    assert.strictEqual(findJavaProject(path.join(ROOT, 'src/main/java/Top.java'), hostOf({ [path.join(ROOT, 'pom.xml')]: '', [path.join(ROOT, 'src/main/java/Top.java')]: 'class Top {}' }))?.mainClass, 'Top');
  });

  it('a failed build is summed up by the compiler\'s lines, without Maven\'s boilerplate', () => {
    const output = [
      '[ERROR] COMPILATION ERROR : ',
      '[ERROR] /w/shop/src/main/java/shop/PaymentService.java:[28,11] cannot find symbol',
      '  symbol:   method endd()',
      '  location: variable span of type io.opentelemetry.api.trace.Span',
      '[ERROR] Failed to execute goal org.apache.maven.plugins:maven-compiler-plugin:3.13.0:compile (default-compile) on project shop: Compilation failure',
      '[ERROR] /w/shop/src/main/java/shop/PaymentService.java:[28,11] cannot find symbol',
      '[ERROR] -> [Help 1]',
      '[ERROR] ',
      '[ERROR] To see the full stack trace of the errors, re-run Maven with the -e switch.',
    ].join('\n');
    assert.strictEqual(
      mavenErrorSummary(output),
      [
        '[ERROR] /w/shop/src/main/java/shop/PaymentService.java:[28,11] cannot find symbol',
        '  symbol:   method endd()',
        '  location: variable span of type io.opentelemetry.api.trace.Span',
      ].join('\n'),
    );
    const unresolved = [
      '[ERROR] Failed to execute goal on project shop: Could not resolve dependencies for project x:shop:jar:1: Could not find artifact io.opentelemetry:opentelemetry-sdk:jar:9.9.9 -> [Help 1]',
      '[ERROR] ',
      '[ERROR] To see the full stack trace of the errors, re-run Maven with the -e switch.',
      '[ERROR] Re-run Maven using the -X switch to enable full debug logging.',
      '[ERROR] [Help 1] http://cwiki.apache.org/confluence/display/MAVEN/DependencyResolutionException',
    ].join('\n');
    assert.strictEqual(mavenErrorSummary(unresolved), unresolved.split('\n')[0]);
  });

  it('every Java run loads the agent: -javaagent appended to the user\'s JAVA_TOOL_OPTIONS, the source roots passed, the run framed', () => {
    const inject = '/ext/dist/inject';
    const jar = path.join(inject, 'java', 'span-lens-agent.jar');
    const maven = planLaunch(MAIN, { baseEnv: { JAVA_TOOL_OPTIONS: '-Xss2m' }, injectDir: inject }, { host: HOST });
    assert.strictEqual(maven.env.JAVA_TOOL_OPTIONS, `-Xss2m -javaagent:${jar}`);
    assert.strictEqual(maven.env.SPAN_LENS_JAVA_SOURCES, [MAIN, path.join(ROOT, 'src/main/java'), path.join(ROOT, 'src/test/java')].join(path.delimiter));
    assert.strictEqual(maven.framed, true, 'the agent\'s frames are the spans; console copies are dropped');
    assert.deepStrictEqual(maven.injectFiles, [jar], 'a missing jar is the run\'s error, not a silent fallback');
    const single = planLaunch(LOOSE, { baseEnv: {}, injectDir: inject }, { host: HOST });
    assert.strictEqual(single.env.JAVA_TOOL_OPTIONS, `-javaagent:${jar}`);
    assert.strictEqual(single.env.SPAN_LENS_JAVA_SOURCES, LOOSE);
  });

  it('JAVA_TOOL_OPTIONS: a jar path with spaces is quoted; the agent is added once', () => {
    assert.strictEqual(javaToolOptionsWithAgent(undefined, '/my ext/a.jar'), '"-javaagent:/my ext/a.jar"');
    assert.strictEqual(javaToolOptionsWithAgent('  ', '/x/a.jar'), '-javaagent:/x/a.jar');
    assert.strictEqual(javaToolOptionsWithAgent('-javaagent:/x/a.jar', '/x/a.jar'), '-javaagent:/x/a.jar');
  });
});
