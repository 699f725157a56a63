/**
 * Issue #15 item 12: secrets are masked wherever span text is shown, not only in attribute
 * values. Span names, status messages, event names and event/link attributes can carry tokens,
 * passwords, card numbers and emails; `tree`, `check`, hovers, CodeLens titles, diagnostics
 * (finding messages) and the waterfall mask them the same way, `span-lens html` leaves them out
 * of the page source unless --reveal-secrets, and `check` never prints an email in 15 findings
 * after redacting it in one.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describeSpan } from '../../src/core/describe';
import { lensTitle, statsByLine } from '../../src/core/lineStats';
import { maskSensitiveText } from '../../src/core/sensitive';
import { parseText } from '../../src/core/parse';
import { buildRunDto } from '../../src/core/waterfallModel';
import { redactRunDto } from '../../src/core/redactRunDto';
import { renderParseResultHtml } from '../../src/cli/html';
import { AttrFlag } from '../../src/protocol';
import { cli, framedOutput, schemaSpan, tempDir } from './securitySupport';

const EMAIL = 'alice.smith@example.com';
const CARD = '4111 1111 1111 1111';
const BEARER = 'Bearer 9f8e7d6c5b4a39281706abcdef';
const PASSWORD = 'hunter2hunter2';
const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U';
const API_KEY = 'sk_live_4eC39HqLyjWDarjtT1zdp7dc';
const SECRETS = [EMAIL, CARD, '9f8e7d6c5b4a39281706abcdef', PASSWORD, JWT, API_KEY];

function assertNoSecret(text: string, where: string): void {
  for (const s of SECRETS) assert.ok(!text.includes(s), `${where} shows ${s}:\n${text.slice(0, 3000)}`);
}

/** Spans with secrets in every free-text place, and in event and link attributes. */
function leakySpans(file: string): Record<string, unknown>[] {
  const spans = [
    schemaSpan({
      name: `charge ${EMAIL} card ${CARD}`,
      status: { code: 'ERROR', message: `upstream refused ${BEARER} password=${PASSWORD}` },
      location: { file, line: 1, column: 1 },
      events: [{ name: `token ${JWT} sent`, timeUnixNano: '1795592759793500000', attributes: { 'user.email': EMAIL, password: PASSWORD }, droppedAttributesCount: 0 }],
      links: [{ traceId: 'cd'.repeat(16), spanId: 'ef'.repeat(8), traceState: null, attributes: { authorization: BEARER, note: `key ${API_KEY}` }, droppedAttributesCount: 0 }],
      attributes: { 'customer.email': EMAIL },
    }),
  ];
  // Fifteen unended spans quoting the email in their names, each at its own line: fifteen findings.
  for (let i = 0; i < 15; i++) spans.push(schemaSpan({ name: `notify ${EMAIL}`, endTimeUnixNano: null, location: { file, line: i + 2, column: 1 } }));
  return spans;
}

describe('security: secrets masked in every place span text is shown (#15 item 12)', function () {
  this.timeout(60_000);
  let dir: string;
  let program: string;
  let output: string;

  before(() => {
    dir = tempDir('secrets');
    program = path.join(dir, 'job.js');
    fs.writeFileSync(program, Array.from({ length: 20 }, (_, i) => `// line ${i + 1}`).join('\n') + '\n');
    output = path.join(dir, 'out.txt');
    fs.writeFileSync(output, framedOutput(leakySpans(program)));
  });

  it('maskSensitiveText masks each secret inside free text and keeps the rest readable', () => {
    const masked = maskSensitiveText(`charge ${EMAIL} card ${CARD} ${BEARER} password=${PASSWORD} ${JWT} ${API_KEY}`);
    assertNoSecret(masked, 'maskSensitiveText');
    assert.match(masked, /^charge al…\(redacted, 23 chars\) card 41…\(redacted, 19 chars\) Bearer 9f…/);
    assert.match(masked, /password=hu…\(redacted, 14 chars\)/);
    assert.equal(maskSensitiveText('GET /api/orders/{id}'), 'GET /api/orders/{id}');
    assert.equal(maskSensitiveText('db.query 1234'), 'db.query 1234');
  });

  it('span-lens tree masks names and status messages', async () => {
    const r = await cli(['tree', output]);
    assert.equal(r.code, 0, r.err);
    assertNoSecret(r.out, 'tree');
    assert.match(r.out, /span "charge al…\(redacted, 23 chars\) card 41…\(redacted, 19 chars\)"/);
  });

  it('span-lens check masks the email in all of its findings, text and JSON', async () => {
    const text = await cli(['check', program, '--from', output]);
    assertNoSecret(text.out + text.err, 'check');
    const lines = text.out.split('\n').filter((l) => l.includes('al…(redacted, 23 chars)'));
    assert.ok(lines.length >= 16, `expected the masked email in 16+ findings, got ${lines.length}:\n${text.out}`);
    const json = await cli(['check', program, '--from', output, '--json']);
    assertNoSecret(json.out, 'check --json');
    assert.ok((JSON.parse(json.out) as { findings: unknown[] }).findings.length >= 16);
  });

  it('hovers mask names, status messages, event names and event and link attributes', () => {
    const [span] = parseText(fs.readFileSync(output)).spans;
    const markdown = describeSpan(span);
    // Markdown escapes every '.', so look for the secrets' unescaped and escaped forms alike.
    assertNoSecret(markdown.replace(/\\(.)/g, '$1'), 'hover');
    assert.match(markdown, /password`: ••••••/);
  });

  it('CodeLens titles mask the span name', () => {
    const spans = parseText(fs.readFileSync(output)).spans;
    const byLine = statsByLine(spans).get(program)!;
    for (const st of byLine.values()) assertNoSecret(lensTitle(st), 'lens title');
    assert.match(lensTitle(byLine.get(0)!), /charge al…\(redacted, 23 chars\)/);
  });

  it("the editor's waterfall DTO shows masked names, messages and event names; flagged values stay revealable", () => {
    const spans = parseText(fs.readFileSync(output)).spans;
    const run = redactRunDto(buildRunDto(spans), { keepRevealable: true });
    const shown = [
      ...run.spans.name.map((i) => run.strings[i]),
      ...run.spans.statusMessage.filter((i) => i >= 0).map((i) => run.strings[i]),
      ...run.events.name.map((i) => run.strings[i]),
      ...run.traces.map((t) => t.rootName),
    ].join('\n');
    assertNoSecret(shown, 'waterfall names');
    // Every attribute value that holds a secret is flagged, events' and links' too: masked until revealed.
    for (let i = 0; i < run.attrs.value.length; i++) {
      const value = run.strings[run.attrs.value[i]];
      if (SECRETS.some((s) => value.includes(s))) assert.ok(run.attrs.flags[i] & AttrFlag.Sensitive, `${run.strings[run.attrs.key[i]]} is not flagged`);
    }
  });

  it('span-lens html leaves secrets out of the page source unless --reveal-secrets', async () => {
    const result = parseText(fs.readFileSync(output));
    const assets = { script: '/* webview */', styles: [] };
    const page = renderParseResultHtml(result, assets, 'trace');
    assertNoSecret(page, 'the html page');
    assert.ok(page.includes('al…(redacted, 23 chars)'), 'the masked form is on the page');
    const revealed = renderParseResultHtml(result, assets, 'trace', { revealSecrets: true });
    assert.ok(revealed.includes(EMAIL), '--reveal-secrets keeps the values');
    // The command line takes the flag.
    const out = path.join(dir, 'page.html');
    const cmd = await cli(['html', output, '-o', out]);
    if (cmd.code === 0) assertNoSecret(fs.readFileSync(out, 'utf8'), 'span-lens html -o');
    else assert.match(cmd.err, /npm run build/, cmd.err);
  });
});
