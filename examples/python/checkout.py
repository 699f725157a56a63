# The OpenTelemetry tutorial's checkout, in Python. Its SDK is in requirements.txt: `npm start`
# installs it into examples/python/.venv, which Span Lens then runs (or: python3 -m venv .venv &&
# .venv/bin/pip install -r requirements.txt). Run it with Span Lens to see its trace.
import time

from opentelemetry import trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, ConsoleSpanExporter

provider = TracerProvider(resource=Resource.create({"service.name": "checkout-service"}))
provider.add_span_processor(BatchSpanProcessor(ConsoleSpanExporter()))
trace.set_tracer_provider(provider)

tracer = trace.get_tracer("checkout-tutorial", "1.0.0")


def load_cart(user_id):
    with tracer.start_as_current_span("db.load_cart") as span:
        span.set_attribute("user.id", user_id)
        time.sleep(0.015)
        return [{"sku": "A1", "qty": 2}]


@tracer.start_as_current_span("payment.charge")
def charge(amount):
    span = trace.get_current_span()
    span.set_attribute("payment.amount", amount)
    span.add_event("calling payment provider")
    time.sleep(0.03)


with tracer.start_as_current_span("checkout") as span:
    span.set_attribute("user.id", 42)
    load_cart(42)
    charge(19.99)
print("order placed")
