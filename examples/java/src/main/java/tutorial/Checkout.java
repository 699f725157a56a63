// The OpenTelemetry tutorial's checkout, in Java, logging spans with LoggingSpanExporter (to
// stderr, through java.util.logging). A Maven project (../../../../pom.xml): Span Lens builds it
// with mvn and runs this class with the SDK from Maven Central on the class path.
package tutorial;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.exporter.logging.LoggingSpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;

public class Checkout {
  public static void main(String[] args) throws Exception {
    SdkTracerProvider provider = SdkTracerProvider.builder()
        .addSpanProcessor(SimpleSpanProcessor.create(LoggingSpanExporter.create()))
        .build();
    Tracer tracer = provider.get("checkout-tutorial", "1.0.0");

    Span checkout = tracer.spanBuilder("checkout").startSpan();
    try (Scope scope = checkout.makeCurrent()) {
      checkout.setAttribute("user.id", 42);
      Span load = tracer.spanBuilder("db.load_cart").startSpan();
      Thread.sleep(15);
      load.end();
      Span charge = tracer.spanBuilder("payment.charge").startSpan();
      charge.setAttribute("payment.amount", 19.99);
      charge.addEvent("calling payment provider");
      Thread.sleep(30);
      charge.end();
    } finally {
      checkout.end();
    }
    System.out.println("order placed");
    provider.shutdown();
  }
}
