/**
 * Spans for the waterfall tests and the webview bench, built directly from the model (no
 * parser): a small known trace with exact times, hostile strings, and large generated traces.
 */
import { emptySpan, type Attributes, type Span, type SpanEvent } from '../../src/core/model';

export const T0 = 1_700_000_000_000_000_000n;
const MS = 1_000_000n;

interface SpanSpec {
  id: string;
  parent?: string | null;
  name: string;
  start: number; // ms from T0
  end: number | null; // ms from T0
  service?: string;
  error?: string;
  attrs?: Attributes;
  events?: { name: string; at: number; attrs?: Attributes }[];
  trace?: string;
  kind?: Span['kind'];
  location?: Span['location'];
}

const resources = new Map<string, Attributes>();
function resourceFor(service: string): Attributes {
  let r = resources.get(service);
  if (!r) resources.set(service, (r = { 'service.name': service, 'telemetry.sdk.language': 'nodejs' }));
  return r;
}

export function span(s: SpanSpec): Span {
  const events: SpanEvent[] = (s.events ?? []).map((e) => ({
    name: e.name,
    timeUnixNano: T0 + BigInt(Math.round(e.at * 1e6)),
    attributes: e.attrs ?? {},
    droppedAttributesCount: 0,
  }));
  return {
    ...emptySpan(),
    traceId: s.trace ?? '4bf92f3577b34da6a3ce929d0e0e4736',
    spanId: s.id,
    parentSpanId: s.parent ?? null,
    name: s.name,
    kind: s.kind ?? 'INTERNAL',
    startTimeUnixNano: T0 + BigInt(Math.round(s.start * 1e6)),
    endTimeUnixNano: s.end === null ? null : T0 + BigInt(Math.round(s.end * 1e6)),
    attributes: s.attrs ?? {},
    events,
    status: s.error ? { code: 'ERROR', message: s.error } : { code: 'UNSET', message: null },
    resource: resourceFor(s.service ?? 'checkout'),
    scope: { name: 'checkout-tracer', version: '1.0.0', schemaUrl: null },
    location: s.location,
  };
}

/**
 * The known trace: 100 ms checkout with nesting three deep, an error, events, a secret, and a
 * second trace whose root's parent is missing (orphaned).
 */
export function checkoutSpans(): Span[] {
  return [
    span({
      id: 'a000000000000001',
      name: 'GET /checkout',
      start: 0,
      end: 100,
      kind: 'SERVER',
      service: 'frontend',
      attrs: { 'http.method': 'GET', 'http.route': '/checkout', 'http.status_code': 500 },
      location: { file: '/app/server.js', line: 11, column: 2, function: 'handleCheckout' },
    }),
    span({ id: 'a000000000000002', parent: 'a000000000000001', name: 'auth', start: 2, end: 12, attrs: { 'user.email': 'ada@example.com' } }),
    span({
      id: 'a000000000000003',
      parent: 'a000000000000001',
      name: 'db.query',
      start: 15,
      end: 55,
      service: 'db',
      kind: 'CLIENT',
      attrs: { 'db.statement': 'SELECT * FROM carts WHERE id = ?', 'db.password': 'hunter2' },
      events: [
        { name: 'cache miss', at: 20 },
        { name: 'rows fetched', at: 50, attrs: { rows: 12 } },
      ],
      location: { file: '/app/db.js', line: 41, column: 4 },
    }),
    span({ id: 'a000000000000004', parent: 'a000000000000003', name: 'db.connect', start: 15, end: 20, service: 'db' }),
    span({
      id: 'a000000000000005',
      parent: 'a000000000000001',
      name: 'payment',
      start: 60,
      end: 95,
      error: 'card declined',
      attrs: { 'payment.card': '4111 1111 1111 1111', 'payment.amount': 42.5 },
      events: [{ name: 'exception', at: 94, attrs: { 'exception.type': 'CardDeclined', 'exception.message': 'card declined' } }],
    }),
    span({ id: 'a000000000000006', parent: 'a000000000000005', name: 'POST /charge', start: 61, end: 90, kind: 'CLIENT', service: 'payments' }),
    // Runs beside POST /charge, which ends later: not on the critical path.
    span({ id: 'a000000000000008', parent: 'a000000000000005', name: 'fraud.check', start: 62, end: 70, service: 'payments' }),
    span({ id: 'a000000000000007', parent: 'a000000000000001', name: 'render', start: 96, end: 99 }),
    // Second trace: its root's parent was never exported.
    span({ trace: 'b0000000000000000000000000000002', id: 'b000000000000001', parent: 'ffffffffffffffff', name: 'worker.job', start: 110, end: 140, service: 'worker' }),
    {
      ...span({ trace: 'b0000000000000000000000000000002', id: 'b000000000000002', parent: 'b000000000000001', name: 'worker.step', start: 115, end: 130, service: 'worker' }),
      links: [
        { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: 'a000000000000003', traceState: null, attributes: { reason: 'follows cart load' }, droppedAttributesCount: 0 },
        { traceId: 'eeee0000000000000000000000000000', spanId: 'eeee000000000001', traceState: null, attributes: {}, droppedAttributesCount: 0 },
      ],
    },
  ];
}

/** Expected pre-order of the checkout trace: [name, depth]. */
export const CHECKOUT_ORDER: [string, number][] = [
  ['GET /checkout', 0],
  ['auth', 1],
  ['db.query', 1],
  ['db.connect', 2],
  ['payment', 1],
  ['POST /charge', 2],
  ['fraud.check', 2],
  ['render', 1],
];

/** Strings that would run code or corrupt the page if they ever reached HTML parsing. */
export const HOSTILE = {
  img: '<img src=x onerror="window.__pwned=(window.__pwned||0)+1">',
  script: '</script><script>window.__pwned=(window.__pwned||0)+1</script>',
  jsUrl: 'javascript:window.__pwned=(window.__pwned||0)+1',
  rtl: 'user\u202Egnp.exe\u202C id \u05E9\u05DC\u05D5\u05DD',
  zeroWidth: 'pay\u200Bment\u200D\u2060\uFEFF done',
  svg: '<svg onload="window.__pwned=(window.__pwned||0)+1"><a href="javascript:alert(1)">x</a></svg>',
  style: '<style>body{display:none}</style>',
  long: 'L'.repeat(5000) + '<b>' + 'M'.repeat(5000),
};

export function hostileSpans(): Span[] {
  const trace = 'c0000000000000000000000000000003';
  const root = span({
    trace,
    id: 'c000000000000001',
    name: HOSTILE.script,
    start: 0,
    end: 50,
    service: HOSTILE.img,
    attrs: {
      [HOSTILE.img]: HOSTILE.svg,
      'url.full': HOSTILE.jsUrl,
      rtl: HOSTILE.rtl,
      zw: HOSTILE.zeroWidth,
      big: HOSTILE.long,
      style: HOSTILE.style,
    },
    events: [{ name: HOSTILE.img, at: 10, attrs: { payload: HOSTILE.script } }],
    error: HOSTILE.svg,
  });
  return [
    root,
    span({ trace, id: 'c000000000000002', parent: 'c000000000000001', name: HOSTILE.img, start: 5, end: 20, service: 'svc' }),
    span({ trace, id: 'c000000000000003', parent: 'c000000000000001', name: HOSTILE.jsUrl, start: 10, end: 30 }),
    span({ trace, id: 'c000000000000004', parent: 'c000000000000001', name: HOSTILE.rtl, start: 12, end: 35 }),
    span({ trace, id: 'c000000000000005', parent: 'c000000000000001', name: HOSTILE.zeroWidth, start: 14, end: 40 }),
    span({ trace, id: 'c000000000000006', parent: 'c000000000000001', name: HOSTILE.long, start: 16, end: 45 }),
    span({ trace, id: 'c000000000000007', parent: 'c000000000000001', name: HOSTILE.svg, start: 18, end: 48 }),
  ];
}

const NAMES = [
  'GET /api/items',
  'SELECT items',
  'redis GET',
  'render template',
  'POST /charge',
  'kafka publish',
  'validate input',
  'serialize',
  'fs.readFile',
  'dns.lookup',
  'tls.connect',
  'compute price',
];
const SERVICES = ['frontend', 'catalog', 'payments', 'inventory', 'worker'];

/**
 * One trace of `n` spans: a bushy tree (up to 8 children per span, depth up to ~12) with
 * realistic attributes, 10% of spans with events and 1% errors. Deterministic.
 */
export function generatedSpans(n: number, traceId = 'd0000000000000000000000000000004'): Span[] {
  let seed = 12345;
  const rnd = () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
  const spans: Span[] = new Array(n);
  const starts = new Float64Array(n);
  const ends = new Float64Array(n);
  const hex = (i: number) => i.toString(16).padStart(16, '0');
  const total = 10_000_000_000; // 10 s in ns
  starts[0] = 0;
  ends[0] = total;
  // Parent i's children are spread across its lifetime: parent of k is floor((k-1)/8) (an 8-ary heap).
  for (let k = 0; k < n; k++) {
    const p = k === 0 ? -1 : Math.floor((k - 1) / 8);
    if (p >= 0) {
      const slot = (k - 1) % 8;
      const pd = ends[p] - starts[p];
      starts[k] = starts[p] + (pd * slot) / 8 + rnd() * (pd / 16);
      ends[k] = Math.min(ends[p], starts[k] + (pd / 8) * (0.3 + rnd() * 0.7));
    }
    const service = SERVICES[k % SERVICES.length];
    const events: SpanEvent[] = [];
    if (k % 10 === 3) {
      events.push({ name: 'retry', timeUnixNano: T0 + BigInt(Math.round((starts[k] + ends[k]) / 2)), attributes: { attempt: 2 }, droppedAttributesCount: 0 });
    }
    spans[k] = {
      ...emptySpan(),
      traceId,
      spanId: hex(k + 1),
      parentSpanId: p >= 0 ? hex(p + 1) : null,
      name: NAMES[k % NAMES.length],
      kind: k === 0 ? 'SERVER' : 'INTERNAL',
      startTimeUnixNano: T0 + BigInt(Math.round(starts[k])),
      endTimeUnixNano: T0 + BigInt(Math.round(ends[k])),
      attributes: { 'item.id': k, 'http.route': '/api/items/:id', 'cache.hit': k % 3 === 0 },
      events,
      status: k % 100 === 7 ? { code: 'ERROR', message: 'boom' } : { code: 'UNSET', message: null },
      resource: resourceFor(service),
      scope: { name: 'bench', version: null, schemaUrl: null },
    };
  }
  return spans;
}

export { MS };
