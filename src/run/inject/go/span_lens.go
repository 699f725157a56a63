// Span Lens's span processor for otel-go, compiled into the program's own copy of
// go.opentelemetry.io/otel/sdk/trace by `go run -overlay` (src/run/languages/go/overlay.ts):
// provider.go's NewTracerProvider is renamed spanLensNewTracerProvider there, and the
// NewTracerProvider below adds this processor to every provider the program builds, after the
// program's own processors. Every span that ends is reported as a framed record
// (docs/format.md) with its call site; spans still open when the program ends are reported as
// `unended` records.
//
// Only the package's public API and its provider option type are used, so the file compiles
// against every SDK version whose NewTracerProvider the planner accepted.
//
// The records go to the run's side channel (SPAN_LENS_CHANNEL, a Unix socket), batched off the
// program's goroutines and flushed every 50 ms, past 64 KiB, and at exit; without a channel they
// are written to stdout synchronously, one write per record, in order with the program's prints.
//
// "Exit" in Go has no hook: what is covered is a return from main (and a panic out of it: the
// planner wraps main through the same overlay and calls SpanLensExit), a provider's Shutdown,
// and SIGINT/SIGTERM. os.Exit and log.Fatal skip all of them: spans open then are not reported.
package trace

import (
	"context"
	"math"
	"net"
	"os"
	"os/signal"
	"reflect"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
	"unicode/utf8"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/sdk/resource"
	oteltrace "go.opentelemetry.io/otel/trace"
)

// NewTracerProvider returns a new and configured TracerProvider, with Span Lens's processor
// added after the program's own (see the SDK's own documentation of this function).
func NewTracerProvider(opts ...TracerProviderOption) *TracerProvider {
	out := spanLensOutput()
	if out == nil {
		return spanLensNewTracerProvider(opts...)
	}
	p := &spanLensProcessor{out: out, open: map[spanLensKey]spanLensOpen{}, programOwn: spanLensProgramProcessors(opts)}
	all := make([]TracerProviderOption, 0, len(opts)+1)
	all = append(all, opts...)
	all = append(all, WithSpanProcessor(p))
	tp := spanLensNewTracerProvider(all...)
	out.add(p)
	return tp
}

// SpanLensExit reports the spans still open and flushes the records: called by Span Lens's
// wrapper of the program's main when main returns or panics.
func SpanLensExit() {
	if out := spanLensOutput(); out != nil {
		out.exit()
	}
}

// spanLensProgramProcessors names the processors (and their exporters) the program configured,
// read from its options the way NewTracerProvider applies them.
func spanLensProgramProcessors(opts []TracerProviderOption) []string {
	var cfg tracerProviderConfig
	for _, opt := range opts {
		cfg = opt.apply(cfg)
	}
	names := []string{}
	exporter := reflect.TypeOf((*SpanExporter)(nil)).Elem()
	for _, sp := range cfg.processors {
		names = append(names, spanLensTypeName(reflect.TypeOf(sp)))
		// The exporter a processor holds (an unexported field): its type is readable, its value is not touched.
		v := reflect.ValueOf(sp)
		for v.Kind() == reflect.Ptr && !v.IsNil() {
			v = v.Elem()
		}
		if v.Kind() != reflect.Struct {
			continue
		}
		for i := 0; i < v.NumField(); i++ {
			f := v.Field(i)
			if f.Kind() == reflect.Interface && !f.IsNil() && f.Elem().Type().Implements(exporter) {
				names = append(names, spanLensTypeName(f.Elem().Type()))
			}
		}
	}
	return names
}

// "*trace.batchSpanProcessor" -> "BatchSpanProcessor", "*stdouttrace.Exporter" -> "stdouttrace.Exporter".
func spanLensTypeName(t reflect.Type) string {
	for t.Kind() == reflect.Ptr {
		t = t.Elem()
	}
	if t.PkgPath() == "go.opentelemetry.io/otel/sdk/trace" && t.Name() != "" {
		return strings.ToUpper(t.Name()[:1]) + t.Name()[1:]
	}
	return strings.TrimPrefix(t.String(), "*")
}

// spanLensSite is a span's call site: the first frame outside go.opentelemetry.io.
type spanLensSite struct {
	json string // `,"location":{...}`, or "" when no frame was found
}

// Spans are keyed by their ids: OnEnd gets a snapshot in some SDK versions, not the span itself.
type spanLensKey struct {
	trace oteltrace.TraceID
	span  oteltrace.SpanID
}

type spanLensOpen struct {
	span ReadOnlySpan
	site *spanLensSite
}

func spanLensKeyOf(s ReadOnlySpan) spanLensKey {
	sc := s.SpanContext()
	return spanLensKey{sc.TraceID(), sc.SpanID()}
}

type spanLensProcessor struct {
	out        *spanLensOut
	programOwn []string
	mu         sync.Mutex
	open       map[spanLensKey]spanLensOpen
	spans      int
	shutdown   bool
}

func (p *spanLensProcessor) OnStart(_ context.Context, s ReadWriteSpan) {
	site := spanLensCallSite()
	p.mu.Lock()
	p.open[spanLensKeyOf(s)] = spanLensOpen{s, site}
	p.spans++
	p.mu.Unlock()
}

func (p *spanLensProcessor) OnEnd(s ReadOnlySpan) {
	p.mu.Lock()
	key := spanLensKeyOf(s)
	site := p.open[key].site
	delete(p.open, key)
	p.mu.Unlock()
	p.out.span(s, site, true)
}

// Shutdown of the provider: its open spans can no longer end (the SDK drops its processors), so
// they are reported unended now.
func (p *spanLensProcessor) Shutdown(context.Context) error {
	p.reportOpen()
	p.out.facts()
	p.out.flush()
	return nil
}

func (p *spanLensProcessor) ForceFlush(context.Context) error {
	p.out.flush()
	return nil
}

func (p *spanLensProcessor) reportOpen() {
	p.mu.Lock()
	open := p.open
	p.open = map[spanLensKey]spanLensOpen{}
	p.mu.Unlock()
	for _, o := range open {
		p.out.span(o.span, o.site, false)
	}
}

// --- call sites ------------------------------------------------------------------------------

var (
	spanLensSitesMu sync.RWMutex
	// Return PC -> the site its first user frame gives, or nil when every frame at that PC is
	// the SDK's, the API's or the runtime's.
	spanLensSites = map[uintptr]*spanLensSite{}
	spanLensNoSite = &spanLensSite{}
	spanLensSkip   = &spanLensSite{}
	// File -> its lines, read once to find the column of a Start call.
	spanLensFiles = map[string][]string{}
)

func spanLensCallSite() *spanLensSite {
	// Unwinding costs by the frame: the start call is a few frames up, so look there first.
	var near [8]uintptr
	// 3: runtime.Callers, this function, OnStart.
	n := runtime.Callers(3, near[:])
	if site := spanLensFirstUserSite(near[:n]); site != spanLensNoSite || n < len(near) {
		return site
	}
	var far [64]uintptr
	n = runtime.Callers(3, far[:])
	return spanLensFirstUserSite(far[:n])
}

func spanLensFirstUserSite(pcs []uintptr) *spanLensSite {
	for _, pc := range pcs {
		spanLensSitesMu.RLock()
		site, ok := spanLensSites[pc]
		spanLensSitesMu.RUnlock()
		if !ok {
			site = spanLensResolve(pc)
			spanLensSitesMu.Lock()
			spanLensSites[pc] = site
			spanLensSitesMu.Unlock()
		}
		if site != spanLensSkip {
			return site
		}
	}
	return spanLensNoSite
}

// The site one return PC gives (inlined calls expand to several frames, innermost first).
func spanLensResolve(pc uintptr) *spanLensSite {
	frames := runtime.CallersFrames([]uintptr{pc})
	for {
		f, more := frames.Next()
		if f.Function != "" && !strings.HasPrefix(f.Function, "go.opentelemetry.io/") && !strings.HasPrefix(f.Function, "runtime.") && f.File != "" {
			return spanLensSiteAt(f)
		}
		if !more {
			return spanLensSkip
		}
	}
}

func spanLensSiteAt(f runtime.Frame) *spanLensSite {
	fn := f.Function
	if i := strings.LastIndex(fn, "/"); i >= 0 {
		fn = fn[i+1:]
	}
	// The program's main, renamed by Span Lens's wrapper (src/run/languages/go/overlay.ts).
	fn = strings.Replace(fn, "main.spanLensUserMain", "main.main", 1)
	b := []byte(`,"location":{"file":`)
	b = spanLensString(b, f.File)
	b = append(b, `,"line":`...)
	b = strconv.AppendInt(b, int64(f.Line), 10)
	b = append(b, `,"column":`...)
	b = strconv.AppendInt(b, int64(spanLensColumn(f.File, f.Line)), 10)
	b = append(b, `,"function":`...)
	b = spanLensString(b, fn)
	b = append(b, '}')
	return &spanLensSite{json: string(b)}
}

// The 1-based column of the Start call on a line (the runtime knows only lines): where
// `Start(` is when the line has one, else the line's first non-blank character.
func spanLensColumn(file string, line int) int {
	spanLensSitesMu.RLock()
	lines, ok := spanLensFiles[file]
	spanLensSitesMu.RUnlock()
	if !ok {
		if data, err := os.ReadFile(file); err == nil && len(data) < 8<<20 {
			lines = strings.Split(string(data), "\n")
		}
		spanLensSitesMu.Lock()
		spanLensFiles[file] = lines
		spanLensSitesMu.Unlock()
	}
	if line < 1 || line > len(lines) {
		return 1
	}
	text := lines[line-1]
	if i := strings.Index(text, "Start("); i >= 0 && strings.Count(text, "Start(") == 1 {
		return utf8.RuneCountInString(text[:i]) + 1
	}
	return len(text) - len(strings.TrimLeft(text, " \t")) + 1
}

// --- output ----------------------------------------------------------------------------------

var (
	spanLensOnce sync.Once
	spanLensOut1 *spanLensOut
)

// spanLensOutput is the process's record writer, or nil when Span Lens did not start this run
// (no nonce: a binary built with the overlay and run later by hand stays silent).
func spanLensOutput() *spanLensOut {
	spanLensOnce.Do(func() {
		nonce := os.Getenv("SPAN_LENS_NONCE")
		if nonce == "" {
			return
		}
		o := &spanLensOut{nonce: nonce, resources: map[*resource.Resource]string{}, wake: make(chan struct{}, 1)}
		if max, err := strconv.Atoi(os.Getenv("SPAN_LENS_MAX_SPANS")); err == nil && max > 0 {
			o.max = max
		}
		if path := os.Getenv("SPAN_LENS_CHANNEL"); path != "" {
			if conn, err := net.DialTimeout("unix", path, time.Second); err == nil {
				o.conn = conn
				o.batched = true
				go o.flushEvery(50 * time.Millisecond)
			}
		}
		o.watchSignals()
		spanLensOut1 = o
	})
	return spanLensOut1
}

// A span waiting to be written by the flusher (channel runs): encoding happens off the
// program's goroutines. An ended span no longer changes, so reading it later reads the same.
type spanLensPending struct {
	span  ReadOnlySpan
	site  *spanLensSite
	ended bool
}

type spanLensOut struct {
	nonce   string
	max     int
	batched bool // records go to the channel through the flusher
	wake    chan struct{}

	mu         sync.Mutex // pending, counts, processors
	pending    []spanLensPending
	written    int
	dropped    int // past SPAN_LENS_MAX_SPANS, not yet told in a facts record
	processors []*spanLensProcessor
	exited     bool

	writeMu   sync.Mutex // the output, its buffer, the resource cache
	conn      net.Conn   // nil: stdout
	buf       []byte
	spare     []spanLensPending
	resources map[*resource.Resource]string
}

func (o *spanLensOut) add(p *spanLensProcessor) {
	o.mu.Lock()
	o.processors = append(o.processors, p)
	o.mu.Unlock()
}

// Pending spans past which the flusher is woken early, and past which the program's goroutine
// writes them itself (a reader slower than the program must not make memory grow without end).
const (
	spanLensWakeAt  = 256
	spanLensBlockAt = 1 << 16
)

// span reports one span (ended) or unended record: queued for the flusher on a channel run,
// written at once on stdout (in order with the program's own prints).
func (o *spanLensOut) span(s ReadOnlySpan, site *spanLensSite, ended bool) {
	o.mu.Lock()
	if ended && o.max > 0 && o.written >= o.max {
		o.dropped++
		o.mu.Unlock()
		return
	}
	if ended {
		o.written++
	}
	if o.batched {
		o.pending = append(o.pending, spanLensPending{s, site, ended})
		n := len(o.pending)
		o.mu.Unlock()
		if n >= spanLensBlockAt {
			o.flush()
		} else if n >= spanLensWakeAt {
			select {
			case o.wake <- struct{}{}:
			default:
			}
		}
		return
	}
	o.mu.Unlock()
	o.writeMu.Lock()
	b := o.frameHead(o.buf[:0])
	b = o.spanJSON(b, s, site, ended)
	b = append(b, '\n')
	o.writeLocked(b)
	o.buf = b[:0]
	o.writeMu.Unlock()
}

func (o *spanLensOut) frameHead(b []byte) []byte {
	b = append(b, "@@span-lens/1 "...)
	b = append(b, o.nonce...)
	return append(b, ' ')
}

// facts writes what the run tells beyond its spans: the program's own processors, whether a
// provider with spans had none, spans dropped at the cap since the last facts record.
func (o *spanLensOut) facts() {
	o.flush()
	o.mu.Lock()
	names := []string{}
	noExporter := false
	for _, p := range o.processors {
		p.mu.Lock()
		names = append(names, p.programOwn...)
		if p.spans > 0 && len(p.programOwn) == 0 {
			noExporter = true
		}
		p.mu.Unlock()
	}
	dropped := o.dropped
	o.dropped = 0
	o.mu.Unlock()
	o.writeMu.Lock()
	defer o.writeMu.Unlock()
	b := o.frameHead(o.buf[:0])
	b = append(b, `{"type":"facts","sdk":"go","programExporters":[`...)
	for i, n := range names {
		if i > 0 {
			b = append(b, ',')
		}
		b = spanLensString(b, n)
	}
	b = append(b, `],"noExporter":`...)
	b = strconv.AppendBool(b, noExporter)
	if dropped > 0 {
		b = append(b, `,"droppedSpans":`...)
		b = strconv.AppendInt(b, int64(dropped), 10)
	}
	b = append(b, "}\n"...)
	o.writeLocked(b)
	o.buf = b[:0]
}

// flush encodes and writes the queued spans, in the order they were reported.
func (o *spanLensOut) flush() {
	o.writeMu.Lock()
	defer o.writeMu.Unlock()
	o.mu.Lock()
	batch := o.pending
	o.pending = o.spare[:0]
	o.mu.Unlock()
	b := o.buf[:0]
	for i, p := range batch {
		b = o.frameHead(b)
		b = o.spanJSON(b, p.span, p.site, p.ended)
		b = append(b, '\n')
		if len(b) >= 64<<10 {
			o.writeLocked(b)
			b = b[:0]
		}
		batch[i] = spanLensPending{}
	}
	if len(b) > 0 {
		o.writeLocked(b)
	}
	o.buf = b[:0]
	o.spare = batch[:0]
}

// writeLocked writes whole records to the channel, or to stdout when there is none or it failed.
func (o *spanLensOut) writeLocked(b []byte) {
	if o.conn != nil {
		if _, err := o.conn.Write(b); err == nil {
			return
		}
		// The run stopped listening: the rest goes to stdout, which the runner reads too.
		_ = o.conn.Close()
		o.conn = nil
	}
	_, _ = os.Stdout.Write(b)
}

func (o *spanLensOut) flushEvery(d time.Duration) {
	t := time.NewTicker(d)
	defer t.Stop()
	for {
		select {
		case <-t.C:
		case <-o.wake:
		}
		o.flush()
	}
}

// exit reports every provider's open spans as unended, then the facts, and flushes. Once.
func (o *spanLensOut) exit() {
	o.mu.Lock()
	if o.exited {
		o.mu.Unlock()
		return
	}
	o.exited = true
	ps := append([]*spanLensProcessor(nil), o.processors...)
	o.mu.Unlock()
	for _, p := range ps {
		p.reportOpen()
	}
	o.facts()
	o.flush()
}

// watchSignals reports open spans when SIGINT or SIGTERM arrives, then lets the signal do what
// it would have done: the handler steps aside and the signal is sent again. A program that
// handles the signal itself therefore receives it twice.
func (o *spanLensOut) watchSignals() {
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, syscall.SIGINT, syscall.SIGTERM)
	go func() {
		sig := <-ch
		o.exit()
		signal.Stop(ch)
		if s, ok := sig.(syscall.Signal); ok {
			_ = syscall.Kill(os.Getpid(), s)
		}
	}()
}

// --- JSON ------------------------------------------------------------------------------------

var spanLensKinds = [...]string{"INTERNAL", "INTERNAL", "SERVER", "CLIENT", "PRODUCER", "CONSUMER"}

// spanJSON appends `{"type":"span"|"unended","span":{...}}`, the SCHEMA.md span plus location, in
// the member order the reader's fast path expects (src/core/parse/spanLens.ts FRAME_HEAD).
func (o *spanLensOut) spanJSON(b []byte, s ReadOnlySpan, site *spanLensSite, ended bool) []byte {
	sc := s.SpanContext()
	if ended {
		b = append(b, `{"type":"span","span":{"traceId":"`...)
	} else {
		b = append(b, `{"type":"unended","span":{"traceId":"`...)
	}
	b = append(b, sc.TraceID().String()...)
	b = append(b, `","spanId":"`...)
	b = append(b, sc.SpanID().String()...)
	b = append(b, `","parentSpanId":`...)
	if parent := s.Parent(); parent.IsValid() {
		b = append(b, '"')
		b = append(b, parent.SpanID().String()...)
		b = append(b, `","parentIsRemote":`...)
		b = strconv.AppendBool(b, parent.IsRemote())
	} else {
		b = append(b, `null,"parentIsRemote":null`...)
	}
	b = append(b, `,"name":`...)
	b = spanLensString(b, s.Name())
	kind := int(s.SpanKind())
	if kind < 0 || kind >= len(spanLensKinds) {
		kind = 0
	}
	b = append(b, `,"kind":"`...)
	b = append(b, spanLensKinds[kind]...)
	startNs := s.StartTime().UnixNano()
	b = append(b, `","startTimeUnixNano":"`...)
	b = strconv.AppendInt(b, startNs, 10)
	end := s.EndTime()
	if ended && !end.IsZero() {
		b = append(b, `","endTimeUnixNano":"`...)
		b = strconv.AppendInt(b, end.UnixNano(), 10)
		b = append(b, `","durationNano":"`...)
		b = strconv.AppendInt(b, end.UnixNano()-startNs, 10)
		b = append(b, `",`...)
	} else {
		b = append(b, `","endTimeUnixNano":null,"durationNano":null,`...)
	}
	b = append(b, `"attributes":`...)
	b = spanLensAttributes(b, s.Attributes())
	b = append(b, `,"droppedAttributesCount":`...)
	b = strconv.AppendInt(b, int64(s.DroppedAttributes()), 10)
	b = append(b, `,"events":[`...)
	for i, e := range s.Events() {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"name":`...)
		b = spanLensString(b, e.Name)
		b = append(b, `,"timeUnixNano":"`...)
		b = strconv.AppendInt(b, e.Time.UnixNano(), 10)
		b = append(b, `","attributes":`...)
		b = spanLensAttributes(b, e.Attributes)
		b = append(b, `,"droppedAttributesCount":`...)
		b = strconv.AppendInt(b, int64(e.DroppedAttributeCount), 10)
		b = append(b, '}')
	}
	b = append(b, `],"droppedEventsCount":`...)
	b = strconv.AppendInt(b, int64(s.DroppedEvents()), 10)
	b = append(b, `,"links":[`...)
	for i, l := range s.Links() {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"traceId":"`...)
		b = append(b, l.SpanContext.TraceID().String()...)
		b = append(b, `","spanId":"`...)
		b = append(b, l.SpanContext.SpanID().String()...)
		b = append(b, `","traceState":`...)
		b = spanLensTraceState(b, l.SpanContext)
		b = append(b, `,"attributes":`...)
		b = spanLensAttributes(b, l.Attributes)
		b = append(b, `,"droppedAttributesCount":`...)
		b = strconv.AppendInt(b, int64(l.DroppedAttributeCount), 10)
		b = append(b, '}')
	}
	b = append(b, `],"droppedLinksCount":`...)
	b = strconv.AppendInt(b, int64(s.DroppedLinks()), 10)
	status := s.Status()
	b = append(b, `,"status":{"code":"`...)
	switch status.Code {
	case codes.Error:
		b = append(b, "ERROR"...)
	case codes.Ok:
		b = append(b, "OK"...)
	default:
		b = append(b, "UNSET"...)
	}
	b = append(b, `","message":`...)
	if status.Description == "" {
		b = append(b, "null"...)
	} else {
		b = spanLensString(b, status.Description)
	}
	b = append(b, `},"traceState":`...)
	b = spanLensTraceState(b, sc)
	b = append(b, o.resourceJSON(s.Resource())...)
	scope := s.InstrumentationScope()
	b = append(b, `,"scope":{"name":`...)
	b = spanLensString(b, scope.Name)
	b = append(b, `,"version":`...)
	b = spanLensStringOrNull(b, scope.Version)
	b = append(b, `,"schemaUrl":`...)
	b = spanLensStringOrNull(b, scope.SchemaURL)
	b = append(b, '}')
	if site != nil {
		b = append(b, site.json...)
	}
	return append(b, "}}"...)
}

// `,"resource":{...},"serviceName":...`, once per resource (a provider's is fixed); under writeMu.
func (o *spanLensOut) resourceJSON(r *resource.Resource) string {
	if text, ok := o.resources[r]; ok {
		return text
	}
	b := []byte(`,"resource":`)
	var attrs []attribute.KeyValue
	service := ""
	if r != nil {
		attrs = r.Attributes()
		if v, ok := r.Set().Value("service.name"); ok {
			service = v.AsString()
		}
	}
	b = spanLensAttributes(b, attrs)
	b = append(b, `,"serviceName":`...)
	if r == nil {
		b = append(b, "null"...)
	} else {
		b = spanLensString(b, service)
	}
	o.resources[r] = string(b)
	return string(b)
}

func spanLensTraceState(b []byte, sc oteltrace.SpanContext) []byte {
	return spanLensStringOrNull(b, sc.TraceState().String())
}

func spanLensAttributes(b []byte, attrs []attribute.KeyValue) []byte {
	b = append(b, '{')
	for i, kv := range attrs {
		if i > 0 {
			b = append(b, ',')
		}
		b = spanLensString(b, string(kv.Key))
		b = append(b, ':')
		b = spanLensValue(b, kv.Value)
	}
	return append(b, '}')
}

func spanLensValue(b []byte, v attribute.Value) []byte {
	switch v.Type() {
	case attribute.BOOL:
		return strconv.AppendBool(b, v.AsBool())
	case attribute.INT64:
		return strconv.AppendInt(b, v.AsInt64(), 10)
	case attribute.FLOAT64:
		return spanLensFloat(b, v.AsFloat64())
	case attribute.STRING:
		return spanLensString(b, v.AsString())
	case attribute.BOOLSLICE:
		b = append(b, '[')
		for i, x := range v.AsBoolSlice() {
			if i > 0 {
				b = append(b, ',')
			}
			b = strconv.AppendBool(b, x)
		}
		return append(b, ']')
	case attribute.INT64SLICE:
		b = append(b, '[')
		for i, x := range v.AsInt64Slice() {
			if i > 0 {
				b = append(b, ',')
			}
			b = strconv.AppendInt(b, x, 10)
		}
		return append(b, ']')
	case attribute.FLOAT64SLICE:
		b = append(b, '[')
		for i, x := range v.AsFloat64Slice() {
			if i > 0 {
				b = append(b, ',')
			}
			b = spanLensFloat(b, x)
		}
		return append(b, ']')
	case attribute.STRINGSLICE:
		b = append(b, '[')
		for i, x := range v.AsStringSlice() {
			if i > 0 {
				b = append(b, ',')
			}
			b = spanLensString(b, x)
		}
		return append(b, ']')
	default:
		// Types newer than this file (bytes, maps, ...): their text as the SDK prints it.
		return spanLensString(b, v.Emit())
	}
}

func spanLensFloat(b []byte, f float64) []byte {
	switch {
	case math.IsNaN(f):
		return append(b, `{"$float":"NaN"}`...)
	case math.IsInf(f, 1):
		return append(b, `{"$float":"Infinity"}`...)
	case math.IsInf(f, -1):
		return append(b, `{"$float":"-Infinity"}`...)
	}
	return strconv.AppendFloat(b, f, 'g', -1, 64)
}

func spanLensStringOrNull(b []byte, s string) []byte {
	if s == "" {
		return append(b, "null"...)
	}
	return spanLensString(b, s)
}

const spanLensHex = "0123456789abcdef"

// spanLensString appends s as a JSON string: control characters escaped, invalid UTF-8 as U+FFFD.
func spanLensString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', spanLensHex[c>>4], spanLensHex[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i++
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
