// The OpenTelemetry tutorial's checkout, in Go, printing spans with stdouttrace. Span Lens reads
// that output and finds each span's start line from its literal name (tracer.Start(ctx, "name")).
// A Go module (go.mod pins otel-go); Span Lens runs it with `go run .`, which downloads the
// modules from the Go module proxy the first time.
package main

import (
	"context"
	"fmt"
	"log"
	"time"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/stdout/stdouttrace"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
)

var tracer trace.Tracer

func loadCart(ctx context.Context) {
	_, span := tracer.Start(ctx, "db.load_cart")
	defer span.End()
	time.Sleep(15 * time.Millisecond)
}

func charge(ctx context.Context, amount float64) {
	_, span := tracer.Start(ctx, "payment.charge")
	defer span.End()
	span.SetAttributes(attribute.Float64("payment.amount", amount))
	span.AddEvent("calling payment provider")
	time.Sleep(30 * time.Millisecond)
}

func main() {
	exp, err := stdouttrace.New(stdouttrace.WithPrettyPrint())
	if err != nil {
		log.Fatal(err)
	}
	tp := sdktrace.NewTracerProvider(sdktrace.WithBatcher(exp))
	defer func() { _ = tp.Shutdown(context.Background()) }()
	otel.SetTracerProvider(tp)
	tracer = otel.Tracer("shop")

	ctx, span := tracer.Start(context.Background(), "checkout", trace.WithAttributes(attribute.Int("user.id", 42)))
	loadCart(ctx)
	charge(ctx, 19.99)
	span.End()
	fmt.Println("order placed")
}
