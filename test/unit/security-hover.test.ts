/**
 * Issue #15 item 14: hover Markdown built from span data. An attribute key holding a blank line
 * ended its inline code and made the rest live Markdown, a remote image included. Every
 * span-derived string must render as text: no link, image, heading or emphasis from span data,
 * only our own `command:` link. The Markdown is rendered with markdown-it (CommonMark with
 * linkify on, HTML off, as VS Code hovers run with supportHtml false) to see what a user sees.
 */
import { strict as assert } from 'node:assert';
import { codeSpan, commandLink, describeLine, describeSpan, escapeMarkdown } from '../../src/core/describe';
import { statsByLine } from '../../src/core/lineStats';
import { emptySpan, type Span } from '../../src/core/model';

interface Renderer {
  render(markdown: string): string;
}
function markdownIt(): Renderer {
  try {
    // A dev dependency of the package tooling (@vscode/vsce), installed by `npm ci`.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const MarkdownIt = require('markdown-it') as new (options: object) => Renderer;
    return new MarkdownIt({ html: false, linkify: true });
  } catch {
    throw new Error("markdown-it is not installed: run 'npm ci' (it comes with @vscode/vsce)");
  }
}

const EVIL = 'http://evil.example/x.png';
const COMMAND = 'spanLens.showWaterfall';

function hostileSpan(): Span {
  return {
    ...emptySpan(),
    traceId: 'ab'.repeat(16),
    spanId: `x)![i](${EVIL})`,
    name: `[click me](${EVIL}) **bold** <img src=${EVIL}>`,
    kind: 'INTERNAL',
    startTimeUnixNano: 1_000_000_000n,
    endTimeUnixNano: 2_000_000_000n,
    status: { code: 'ERROR', message: `# heading\n\n![status](${EVIL})` },
    attributes: {
      [`a\n\n![x](${EVIL})`]: 'v',
      'k`` ![y](http://evil.example/y.png) ``': `<img src=${EVIL}> www.evil.example [l](${EVIL})`,
      'plain.key': 42,
    },
    events: [{ name: `ev\n\n<${EVIL}>`, timeUnixNano: 1_500_000_000n, attributes: { [`\n\n[z](${EVIL})`]: 'w' } }],
    links: [{ traceId: `t\n\n![l](${EVIL})`, spanId: 's', attributes: { [`\n\n![m](${EVIL})`]: 'u' } }],
  } as unknown as Span;
}

describe('security: hover Markdown escapes span data (#15 item 14)', () => {
  const md = markdownIt();

  it('a key with a blank line and an image, names, messages, events and links render as text: no image, no foreign link', () => {
    const markdown = describeSpan(hostileSpan(), { showInWaterfallCommand: COMMAND });
    const html = md.render(markdown);
    assert.doesNotMatch(html, /<img/i, `an image rendered:\n${html}`);
    assert.doesNotMatch(html, /<h\d/i, `a heading rendered:\n${html}`);
    const links = [...html.matchAll(/<a href="([^"]*)"/g)].map((m) => m[1]);
    assert.equal(links.length, 1, `links rendered: ${links.join(' ')}\n${html}`);
    assert.ok(links[0].startsWith(`command:${COMMAND}?`), links[0]);
    // Our bold: the name, the ERROR mark and the section titles; none from span text.
    assert.doesNotMatch(html, /<strong>bold<\/strong>/);
    // The key is still shown (as code), flattened to one line.
    assert.match(html, /<code>a ⏎ {2}⏎ !\[x\]\(http:\/\/evil\.example\/x\.png\)<\/code>/);
  });

  it("the waterfall link's argument cannot end the link, and round-trips to the span's ids", () => {
    const link = commandLink(COMMAND, [{ spanId: 'a)b!c', traceId: "t'*(" }]);
    assert.doesNotMatch(link.slice(`command:${COMMAND}?`.length), /[()!'*\s[\]]/);
    assert.deepEqual(JSON.parse(decodeURIComponent(link.split('?')[1])), [{ spanId: 'a)b!c', traceId: "t'*(" }]);
  });

  it('the aggregate hover of a busy line is escaped too', () => {
    const spans = [hostileSpan(), { ...hostileSpan(), spanId: 'other' }];
    const st = statsByLine(spans.map((s) => ({ ...s, location: { file: '/x.js', line: 3, column: 0 } }))).get('/x.js')!.get(3)!;
    const html = md.render(describeLine(st, { showInWaterfallCommand: COMMAND }));
    assert.doesNotMatch(html, /<img|<h\d/i);
    assert.equal([...html.matchAll(/<a href=/g)].length, 1);
  });

  it('escapeMarkdown and codeSpan keep text on one line with no control or bidi character', () => {
    assert.doesNotMatch(escapeMarkdown('a\n\nb\u202ec\u001b[2J'), /[\n\u202e\u001b]/);
    assert.doesNotMatch(codeSpan('a\n\n`b`\u2066', 100), /[\n\u2066]|`b`/);
    assert.equal(md.render(escapeMarkdown('*x* _y_ `z` [a](b) <c> # d 1. e')).trim(), '<p>*x* _y_ `z` [a](b) &lt;c&gt; # d 1. e</p>');
  });
});
