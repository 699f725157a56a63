/**
 * no-exporter: the program made spans but configured nothing that exports them (no span
 * processor, or no SDK at all). Only Span Lens sees these spans.
 */
import type { Rule } from './types';

export const noExporter: Rule = {
  id: 'no-exporter',
  title: 'Spans were made but nothing in the program exports them',
  defaultSeverity: 'warning',
  docs: 'docs/rules/no-exporter.md',
  fixable: false,
  options: {},
  check(ctx, report) {
    if (!ctx.facts.noExporter) return;
    const anchor = ctx.firstLocated();
    const location = ctx.providerLocation() ?? anchor?.location;
    const n = ctx.spans.length;
    const lang = ctx.languageOf(location?.file);
    const example =
      lang === 'python'
        ? 'provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))'
        : lang === 'javascript' || lang === 'typescript'
          ? 'spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter())]'
          : 'a batch span processor with an OTLP exporter';
    report({
      span: anchor,
      location,
      message:
        (n
          ? `the program made ${n} span${n === 1 ? '' : 's'} but configured no exporter, so they go nowhere outside Span Lens: `
          : 'the program starts spans but configured no SDK or exporter, so they go nowhere: ') +
        `add a span processor with an exporter, e.g. ${example}`,
      data: { count: String(n) },
      affects: ctx.spans,
      counted: true,
    });
  },
};
