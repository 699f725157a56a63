/**
 * The Span Lens agent inside a Node program (loaded with `--require` through NODE_OPTIONS).
 *
 * It sees every span the program's OpenTelemetry SDK creates, whatever the SDK version or copy:
 * when an @opentelemetry module is required, provider classes get a wrapped `getTracer`; the
 * first tracer they hand out gets a wrapped `startSpan` (the user's frame is on the stack there,
 * so the call site is captured), and the first span a wrapped `end`, where the span is written
 * as one framed record on stdout. The program's own processors and exporters are untouched
 * (their exporters' `export` is only observed, to tell which spans they never exported).
 *
 * A program that uses only @opentelemetry/api gets Span Lens's own provider while it has none
 * registered (without registering it, so a later registration takes over), and a context that
 * follows async calls so its spans nest.
 *
 * Every hook swallows its own errors: nothing here may change what the program does.
 */
import { AsyncLocalStorage } from 'async_hooks';
import * as path from 'path';
import { CallSiteCapture } from './callSite';
import { FrameWriter, makeStdioBlocking, streamIdentity } from './frameWriter';
import { spanRecordJson, type CallSite } from './serialize';
import { nodeSourceMapMapper } from './sourceMap';

/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-require-imports */
const Module: any = require('module');

/** globalThis key holding the agent, so a second copy of the preload does nothing. */
export const AGENT_KEY = Symbol.for('span-lens.node.agent');
const PATCHED = Symbol.for('span-lens.patched');
/** Where @opentelemetry/api 1.x keeps its registered globals. */
const API_GLOBAL = Symbol.for('opentelemetry.js.api.1');
const NONCE = /^[A-Za-z0-9_-]{1,64}$/;
/** Exported classes whose prototype hands out tracers, across SDK packages and versions. */
const PROVIDER_CLASSES = ['BasicTracerProvider', 'NodeTracerProvider', 'TracerProvider', 'WebTracerProvider'];
/** Set by the first process of a run; its children see it and know they are children. */
const ROOT_ENV = 'SPAN_LENS_ROOT_PID';
/** The identities (dev:ino) of the run's stdout and stderr, for children to tell whether theirs are them. */
const OUTPUT_ENV = 'SPAN_LENS_OUTPUT';
/** The run's side channel (a Unix socket path; a named pipe on Windows), when the runner opened one. */
const CHANNEL_ENV = 'SPAN_LENS_CHANNEL';

interface LiveSpan {
  location?: CallSite;
  provider?: object;
}

interface ProviderScan {
  root: unknown;
  count: number;
  /** Class names of the program's processors and exporters. */
  names: string[];
  /** Whether anything would export the spans (a processor other than the no-op one). */
  exports: boolean;
}

function ownerOf(obj: any, name: string): any {
  let o = obj;
  while (o && o !== Object.prototype && o !== Function.prototype) {
    if (Object.prototype.hasOwnProperty.call(o, name)) return o;
    o = Object.getPrototypeOf(o);
  }
  return undefined;
}

/** Replace `name` where it is defined in obj's prototype chain, once. */
function patchMethod(obj: any, name: string, wrap: (orig: Function) => Function): void {
  const owner = ownerOf(obj, name);
  if (!owner) return;
  const orig = owner[name];
  if (typeof orig !== 'function' || orig[PATCHED]) return;
  const wrapper: any = wrap(orig);
  wrapper[PATCHED] = true;
  try {
    const desc = Object.getOwnPropertyDescriptor(owner, name);
    Object.defineProperty(owner, name, { value: wrapper, writable: true, configurable: true, enumerable: desc?.enumerable ?? false });
  } catch {
    /* frozen: leave it */
  }
}

function safeGet(obj: any, key: string): any {
  try {
    return obj[key];
  } catch {
    return undefined;
  }
}

export class NodeAgent {
  private readonly writer: FrameWriter;
  private readonly callSites: CallSiteCapture;
  private readonly live = new Map<object, LiveSpan>();
  private readonly tracerProviders = new WeakMap<object, object>();
  private readonly providers = new Set<object>();
  private readonly providersWithSpans = new Set<object>();
  private readonly scans = new WeakMap<object, ProviderScan>();
  private readonly spanClasses = new WeakSet<object>();
  private readonly wrappedExporters = new WeakSet<object>();
  private readonly patchedContextManagers = new WeakSet<object>();
  private readonly exported = new WeakSet<object>();
  private readonly pendingExport = new Set<string>();
  private readonly als = new AsyncLocalStorage<unknown>();
  private readonly signalHandlers: [NodeJS.Signals, () => void][] = [];
  private fallbackProvider: any;
  private fallbackUsed = false;
  private otelSeen = false;
  private written = 0;
  private dropped = 0;
  private finished = false;

  constructor(
    nonce: string,
    private readonly isRoot: boolean,
    private readonly maxSpans: number,
    ownDir: string,
    runStreams?: { stdout?: string; stderr?: string },
    channel?: string,
  ) {
    this.writer = new FrameWriter(nonce, runStreams, channel);
    this.callSites = new CallSiteCapture(ownDir);
  }

  install(): void {
    makeStdioBlocking();
    this.callSites.mapper = nodeSourceMapMapper();
    const agent = this;
    const load = Module._load;
    Module._load = function (request: unknown, parent: any) {
      const exported = load.apply(this, arguments);
      if ((typeof request === 'string' && request.includes('@opentelemetry')) || (parent && typeof parent.filename === 'string' && parent.filename.includes('@opentelemetry'))) {
        agent.inspectModule(exported);
      }
      return exported;
    };
    // Modules loaded before us (only when the preload came late).
    for (const [file, mod] of Object.entries<any>(Module._cache ?? {})) {
      if (file.includes('@opentelemetry')) this.inspectModule(mod?.exports);
    }
    process.on('exit', () => this.finish());
  }

  /** Patch whatever an @opentelemetry module exports that we hook into. */
  inspectModule(exported: any): void {
    try {
      if (!exported || (typeof exported !== 'object' && typeof exported !== 'function')) return;
      this.otelSeen = true;
      for (const name of PROVIDER_CLASSES) {
        const C = safeGet(exported, name);
        if (typeof C === 'function' && C.prototype && typeof C.prototype.getTracer === 'function') this.patchProviderClass(C);
      }
      const proxy = safeGet(exported, 'ProxyTracer');
      if (typeof proxy === 'function' && proxy.prototype && typeof proxy.prototype._getTracer === 'function') this.patchProxyTracer(proxy);
      const noop = safeGet(exported, 'NoopContextManager');
      if (typeof noop === 'function' && noop.prototype && typeof noop.prototype.active === 'function') this.patchNoopContextManager(noop.prototype);
    } catch {
      /* an export we do not understand */
    }
  }

  private patchProviderClass(C: any): void {
    const agent = this;
    patchMethod(C.prototype, 'getTracer', (orig) =>
      function getTracer(this: object) {
        const tracer = orig.apply(this, arguments);
        agent.onTracer(tracer, this);
        return tracer;
      },
    );
  }

  private onTracer(tracer: any, provider: object): void {
    try {
      if (!tracer || typeof tracer !== 'object') return;
      this.tracerProviders.set(tracer, provider);
      this.providers.add(provider);
      if (typeof tracer.startSpan === 'function' && !tracer.startSpan[PATCHED]) {
        const agent = this;
        patchMethod(tracer, 'startSpan', (orig) => {
          const startSpan = function (this: object) {
            const span = orig.apply(this, arguments);
            agent.onStart(span, this, startSpan);
            return span;
          };
          return startSpan;
        });
      }
    } catch {
      /* not a tracer we understand */
    }
  }

  private onStart(span: any, tracer: object, skip: Function): void {
    try {
      if (!span || typeof span !== 'object' || this.live.has(span)) return;
      if (typeof span.spanContext !== 'function' || typeof span.end !== 'function') return;
      if (typeof span.isRecording === 'function' && !span.isRecording()) return;
      // Open spans are held until they end; past the cap they could not be printed anyway.
      if (this.maxSpans > 0 && this.live.size >= this.maxSpans) {
        this.dropped++;
        return;
      }
      const proto = Object.getPrototypeOf(span);
      if (proto && !this.spanClasses.has(proto)) {
        this.spanClasses.add(proto);
        this.patchSpanEnd(proto);
      }
      const provider = this.tracerProviders.get(tracer);
      if (provider) {
        this.providersWithSpans.add(provider);
        // Before the span can end: its exporters must be observed when they export it.
        this.scan(provider);
      }
      this.live.set(span, { location: this.callSites.capture(skip), provider });
      if (this.signalHandlers.length === 0) this.hookSignals();
    } catch {
      /* never break startSpan */
    }
  }

  private patchSpanEnd(proto: object): void {
    const agent = this;
    patchMethod(proto, 'end', (orig) =>
      function end(this: any) {
        try {
          return orig.apply(this, arguments);
        } finally {
          if (agent.live.has(this)) agent.onEnd(this);
        }
      },
    );
  }

  private onEnd(span: any): void {
    try {
      // end() that did not end the span (the SDK refused it) is not the end.
      if (span.ended === false) return;
      const info = this.live.get(span)!;
      this.live.delete(span);
      if (info.provider && !this.exported.has(span) && this.scan(info.provider).exports) {
        this.pendingExport.add(String(span.spanContext().spanId));
      }
      this.emit(span, info.location, true);
    } catch {
      /* never break end */
    }
  }

  private emit(span: any, location: CallSite | undefined, ended: boolean): void {
    if (this.maxSpans > 0 && this.written >= this.maxSpans) {
      this.dropped++;
      return;
    }
    this.written++;
    // An ended span no longer changes: its record is made off the program's path, when the batch
    // is sent. An open one (reported at exit) is made now, as it is.
    if (ended) this.writer.writeLater(() => spanRecordJson(span, location, true));
    else this.writer.write(spanRecordJson(span, location, false));
  }

  /** The program's processors and exporters of one provider; rescanned when they change (1.x addSpanProcessor). */
  private scan(provider: any): ProviderScan {
    const root = provider._activeSpanProcessor ?? provider.activeSpanProcessor;
    const count = Array.isArray(root?._spanProcessors) ? root._spanProcessors.length : -1;
    const cached = this.scans.get(provider);
    if (cached && cached.root === root && cached.count === count) return cached;
    const result: ProviderScan = { root, count, names: [], exports: false };
    const visit = (p: any, depth: number) => {
      if (!p || typeof p !== 'object' || depth > 4) return;
      if (Array.isArray(p._spanProcessors)) {
        for (const inner of p._spanProcessors) visit(inner, depth + 1);
        return;
      }
      const name = String(p.constructor?.name || 'SpanProcessor');
      if (name === 'NoopSpanProcessor') return;
      result.names.push(name);
      result.exports = true;
      const exporter = p._exporter;
      if (exporter && typeof exporter === 'object') {
        result.names.push(String(exporter.constructor?.name || 'SpanExporter'));
        this.observeExporter(exporter);
      }
    };
    visit(root, 0);
    this.scans.set(provider, result);
    return result;
  }

  private observeExporter(exporter: any): void {
    if (this.wrappedExporters.has(exporter) || typeof exporter.export !== 'function') return;
    this.wrappedExporters.add(exporter);
    const agent = this;
    const orig = exporter.export;
    try {
      exporter.export = function (spans: unknown) {
        agent.onExported(spans);
        return orig.apply(this, arguments);
      };
    } catch {
      /* frozen exporter: lost spans cannot be told */
    }
  }

  private onExported(spans: unknown): void {
    if (!Array.isArray(spans)) return;
    for (const s of spans) {
      if (!s || typeof s !== 'object') continue;
      this.exported.add(s);
      try {
        this.pendingExport.delete(String(s.spanContext().spanId));
      } catch {
        /* not a span */
      }
    }
  }

  // ---- API-only programs -------------------------------------------------------------------

  private patchProxyTracer(ProxyTracer: any): void {
    const agent = this;
    patchMethod(ProxyTracer.prototype, '_getTracer', (orig) =>
      function _getTracer(this: any) {
        const tracer = orig.apply(this, arguments);
        if (this._delegate || !tracer || tracer.constructor?.name !== 'NoopTracer') return tracer;
        // No provider registered (yet): lend ours, uncached, so a later registration takes over.
        return agent.fallbackTracer(this.name, this.version, this.options) ?? tracer;
      },
    );
  }

  private fallbackTracer(name: string, version?: string, options?: unknown): any {
    if (this.fallbackProvider === undefined) {
      try {
        // A bundle of its own next to the preload (fallback.ts), loaded only when needed.
        const { createFallback } = require(path.join(__dirname, 'node-fallback.js'));
        const { provider, contextManager: cm } = createFallback();
        this.patchProviderClass(provider.constructor);
        if (cm && cm.constructor?.name === 'NoopContextManager') this.patchNoopContextManager(Object.getPrototypeOf(cm));
        this.fallbackProvider = provider;
      } catch {
        this.fallbackProvider = null;
      }
    }
    if (!this.fallbackProvider) return undefined;
    this.fallbackUsed = true;
    return this.fallbackProvider.getTracer(name, version, options);
  }

  /** While our provider stands in, the API's no-op context manager follows async calls. */
  private fallbackContextOn(): boolean {
    if (!this.fallbackUsed) return false;
    const g = (globalThis as any)[API_GLOBAL];
    return !(g && g.trace);
  }

  private patchNoopContextManager(proto: any): void {
    if (this.patchedContextManagers.has(proto)) return;
    this.patchedContextManagers.add(proto);
    const agent = this;
    const als = this.als;
    patchMethod(proto, 'active', (orig) =>
      function active(this: unknown) {
        if (agent.fallbackContextOn()) {
          const ctx = als.getStore();
          if (ctx !== undefined) return ctx;
        }
        return orig.apply(this, arguments);
      },
    );
    patchMethod(proto, 'with', (orig) =>
      function withContext(this: unknown, ctx: unknown, fn: Function, thisArg?: unknown, ...args: unknown[]) {
        if (agent.fallbackContextOn() && typeof fn === 'function') return als.run(ctx, () => fn.apply(thisArg, args));
        return orig.apply(this, arguments);
      },
    );
    patchMethod(proto, 'bind', (orig) =>
      function bind(this: unknown, ctx: unknown, target: unknown) {
        if (agent.fallbackContextOn() && typeof target === 'function') {
          return function (this: unknown, ...args: unknown[]) {
            return als.run(ctx, () => (target as Function).apply(this, args));
          };
        }
        return orig.apply(this, arguments);
      },
    );
  }

  // ---- the end of the process --------------------------------------------------------------

  private hookSignals(): void {
    let isMain = true;
    try {
      isMain = require('worker_threads').isMainThread;
    } catch {
      /* no workers */
    }
    if (!isMain) return;
    for (const sig of ['SIGTERM', 'SIGHUP', 'SIGINT'] as NodeJS.Signals[]) {
      const handler = () => this.onSignal(sig);
      this.signalHandlers.push([sig, handler]);
      process.on(sig, handler);
    }
  }

  /**
   * A signal that would kill the program: report open spans, then let the signal do what it
   * would have done. If the program handles the signal itself, its exit path reports them.
   */
  private onSignal(sig: NodeJS.Signals): void {
    if (process.listenerCount(sig) > 1) return;
    this.finish();
    for (const [s, h] of this.signalHandlers) process.removeListener(s, h);
    process.kill(process.pid, sig);
  }

  /** Spans never ended, then the run's facts. Once. */
  finish(): void {
    if (this.finished) return;
    this.finished = true;
    try {
      // Still live: an exit handler of the program's that runs after this one may end them,
      // and that end is reported too (the reader keeps the ended record).
      for (const [span, info] of this.live) this.emit(span, info.location, false);
      const hadSpans = this.written + this.dropped > 0;
      if (!this.isRoot && !hadSpans) return;
      const facts: Record<string, unknown> = { type: 'facts', sdk: 'node' };
      if (hadSpans || this.otelSeen) {
        const names: string[] = [];
        let unexported = false;
        for (const p of this.providers) {
          if (p === this.fallbackProvider) continue;
          const s = this.scan(p);
          for (const n of s.names) if (!names.includes(n)) names.push(n);
          if (!s.exports && this.providersWithSpans.has(p)) unexported = true;
        }
        facts.programExporters = names;
        if (hadSpans) facts.noExporter = this.fallbackUsed || unexported;
        facts.lostAtExit = [...this.pendingExport];
        facts.droppedSpans = this.dropped;
      }
      this.writer.write(JSON.stringify(facts));
    } catch {
      /* exiting anyway */
    } finally {
      this.writer.flush();
    }
  }
}

/** Start the agent from the environment the launcher set (does nothing without a valid nonce). */
export function startAgent(env: NodeJS.ProcessEnv = process.env): NodeAgent | undefined {
  const g = globalThis as any;
  if (g[AGENT_KEY]) return g[AGENT_KEY];
  const nonce = env.SPAN_LENS_NONCE;
  if (!nonce || !NONCE.test(nonce)) return undefined;
  const isRoot = !env[ROOT_ENV];
  let runStreams: { stdout?: string; stderr?: string } | undefined;
  if (isRoot) {
    env[ROOT_ENV] = String(process.pid);
    env[OUTPUT_ENV] = `${streamIdentity(1) ?? ''} ${streamIdentity(2) ?? ''}`;
  } else {
    const [stdout, stderr] = (env[OUTPUT_ENV] ?? '').split(' ');
    runStreams = { stdout: stdout || undefined, stderr: stderr || undefined };
  }
  const max = Number(env.SPAN_LENS_MAX_SPANS);
  const agent = new NodeAgent(nonce, isRoot, Number.isFinite(max) && max > 0 ? max : 0, path.dirname(__filename) + path.sep, runStreams, env[CHANNEL_ENV] || undefined);
  g[AGENT_KEY] = agent;
  try {
    agent.install();
  } catch (err) {
    process.stderr.write(`Span Lens: could not start tracing in this process: ${(err as Error).message}\n`);
  }
  return agent;
}
