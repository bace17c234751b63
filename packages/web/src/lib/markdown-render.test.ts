import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isValidElement, type ReactElement, type ReactNode } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { PAYLOADS } from '../../test/xss/payloads.ts';
import { decodeEntities } from './html-entities.ts';
import { renderMarkdown } from './markdown.ts';

/** A message rendered as the timeline shows it (the body's inner markup), mentions of "bob" mine. */
const html = (content: string, me = 'bob') => renderToStaticMarkup(renderMarkdown(content, me));

const ELEMENTS = new Set(['p', 'strong', 'em', 'del', 'code', 'pre', 'br', 'a', 'span', 'blockquote', 'ul', 'ol', 'li', 'hr']);
const TABLE = new Set(['table', 'thead', 'tbody', 'tr', 'th', 'td']);
const PROPS = new Set(['children', 'className', 'href', 'title', 'target', 'rel', 'tabIndex']);

/** Every element of a rendered tree (fragments looked through). */
function elements(node: ReactNode, out: ReactElement<Record<string, unknown>>[] = []): ReactElement<Record<string, unknown>>[] {
  if (Array.isArray(node)) for (const n of node) elements(n, out);
  else if (isValidElement<Record<string, unknown>>(node)) {
    if (typeof node.type === 'string') out.push(node);
    elements(node.props.children as ReactNode, out);
  }
  return out;
}

describe('markdown → React elements', () => {
  it('a javascript: (or data:, vbscript:, relative) link is no link: its text stays, as text', () => {
    for (const content of [
      '[click](javascript:alert(1))',
      '[click](JaVaScRiPt:alert(1))',
      '[click]( javascript:alert(1))',
      '[click](data:text/html,<script>alert(1)</script>)',
      '[click](vbscript:msgbox(1))',
      '[click](/relative/path)',
      '[click](//evil.example/x)',
    ]) {
      const out = html(content);
      assert.doesNotMatch(out, /<a\b/, content);
      assert.match(out, /^<p>click<\/p>$/, content);
    }
    // An autolink to javascript: shows its text, unlinked.
    assert.equal(html('<javascript:alert(1)>'), '<p>javascript:alert(1)</p>');
    // An image never loads: it is a link to the image, or (unsafe) its description.
    assert.equal(html('![pic](javascript:alert(1))'), '<p>pic</p>');
  });

  it('a safe link opens in a new tab without opener or referrer, and shows where it really goes', () => {
    assert.equal(
      html('[the doc](https://example.com/docs)'),
      '<p><a href="https://example.com/docs" title="https://example.com/docs" target="_blank" rel="noopener noreferrer">the doc</a>' +
        ' <span class="link-host">(example.com)</span></p>',
    );
    // Text that is the address, or names the host, needs no host beside it.
    assert.doesNotMatch(html('[https://example.com/a](https://example.com/a)'), /link-host/);
    assert.doesNotMatch(html('[example.com docs](https://example.com/a)'), /link-host/);
    // A link that pretends to go elsewhere is given away.
    assert.match(html('[https://bank.example](https://evil.example/)'), /<span class="link-host">\(evil\.example\)<\/span>/);
    assert.equal(
      html('![diagram](https://img.example/d.png)'),
      '<p><a href="https://img.example/d.png" title="https://img.example/d.png" target="_blank" rel="noopener noreferrer">diagram</a>' +
        ' <span class="link-host">(img.example)</span></p>',
    );
  });

  it('autolinks: URLs, www., <…> and e-mail addresses become links', () => {
    assert.equal(
      html('see https://example.com/a?b=1&c=2 now'),
      '<p>see <a href="https://example.com/a?b=1&amp;c=2" title="https://example.com/a?b=1&amp;c=2" target="_blank" rel="noopener noreferrer">https://example.com/a?b=1&amp;c=2</a> now</p>',
    );
    assert.match(html('www.example.com'), /<a href="http:\/\/www\.example\.com\/"[^>]*>www\.example\.com<\/a>/);
    assert.match(html('<https://example.com>'), /<a href="https:\/\/example\.com\/"[^>]*>https:\/\/example\.com<\/a>/);
    assert.equal(
      html('mail a@b.co'),
      '<p>mail <a href="mailto:a@b.co" title="mailto:a@b.co" target="_blank" rel="noopener noreferrer">a@b.co</a></p>',
    );
  });

  it('raw HTML is shown as text: <script> and <img onerror> are words on the screen', () => {
    assert.equal(html('<script>alert(1)</script>'), '&lt;script&gt;alert(1)&lt;/script&gt;');
    assert.equal(html('<img src=x onerror=alert(1)>'), '&lt;img src=x onerror=alert(1)&gt;');
    assert.equal(html('hi <b>there</b>'), '<p>hi &lt;b&gt;there&lt;/b&gt;</p>');
    assert.equal(html('a <a href="javascript:x">b</a>'), '<p>a &lt;a href=&quot;javascript:x&quot;&gt;b&lt;/a&gt;</p>');
  });

  it('emphasis nests: em, strong, del inside one another', () => {
    assert.equal(html('*a **b** c*'), '<p><em>a <strong>b</strong> c</em></p>');
    assert.equal(html('***both***'), '<p><em><strong>both</strong></em></p>');
    assert.equal(html('~~gone *and em*~~'), '<p><del>gone <em>and em</em></del></p>');
    assert.match(html('**[bold link](https://x.example)**'), /^<p><strong><a [^>]+>bold link<\/a> <span class="link-host">/);
  });

  it('a code block keeps its content verbatim: markup, references and mentions as written', () => {
    const code = '<b onclick="x()">&amp; &copy;</b> @bob *not em*\n  indented';
    assert.equal(
      html(`\`\`\`html\n${code}\n\`\`\``),
      '<pre tabindex="0"><code class="language-html">&lt;b onclick=&quot;x()&quot;&gt;&amp;amp; &amp;copy;&lt;/b&gt; @bob *not em*\n  indented\n</code></pre>',
    );
    // A language that is not a plain word gets no class.
    assert.equal(html('```c++"onclick\nx\n```'), '<pre tabindex="0"><code>x\n</code></pre>');
    assert.equal(html('`<i>&amp;</i> @bob`'), '<p><code>&lt;i&gt;&amp;amp;&lt;/i&gt; @bob</code></p>');
  });

  it('headings are bold lines; quotes, lists, rules, breaks and tables as elements', () => {
    assert.equal(html('# Title *x*'), '<p><strong>Title <em>x</em></strong></p>');
    assert.equal(html('> quoted\n> > again'), '<blockquote><p>quoted</p><blockquote><p>again</p></blockquote></blockquote>');
    assert.equal(html('- a\n- b\n\n1. one\n2. two'), '<ul><li>a</li><li>b</li></ul><ol><li>one</li><li>two</li></ol>');
    assert.equal(html('a\nb\n\n---'), '<p>a<br/>b</p><hr/>');
    assert.equal(
      html('| a | b |\n|---|---|\n| 1 | `2` |'),
      '<table><thead><tr><th>a</th><th>b</th></tr></thead><tbody><tr><td>1</td><td><code>2</code></td></tr></tbody></table>',
    );
    // Task boxes are not shown (as before): the item's text is.
    assert.equal(html('- [x] done\n- [ ] todo'), '<ul><li>done</li><li>todo</li></ul>');
  });

  it('mentions: mine and @room stand out, others are marked, none inside code or links', () => {
    assert.equal(
      html('hi @bob, @alice and @room (@Bob)'),
      '<p>hi <span class="mention-me">@bob</span>, <span class="mention">@alice</span> and <span class="mention-me">@room</span> (<span class="mention-me">@Bob</span>)</p>',
    );
    assert.doesNotMatch(html('mail x@bob.example or a.@bob'), /mention/, 'an address, and @ after a word, are no mentions');
    assert.doesNotMatch(html('`@bob` [@bob](https://x.example)'), /mention/);
    assert.match(html('[@bob](javascript:x)'), /<span class="mention-me">@bob<\/span>/);
    assert.equal(html('*@alice*', 'alice'), '<p><em><span class="mention-me">@alice</span></em></p>');
  });

  it('character references read as their characters; escaped text reads as written', () => {
    assert.equal(html('&copy; &#169; &#xA9; &amp;lt; &nosuch; &notit;'), '<p>© © © &amp;lt; &amp;nosuch; ¬it;</p>');
    assert.equal(html('\\*not em\\* \\&copy; \\<b>'), '<p>*not em* &amp;copy; &lt;b&gt;</p>');
    assert.equal(decodeEntities('&#0;&#x110000;&#xD800;&lt;&GT&gt'), '\uFFFD\uFFFD\uFFFD<&GT&gt');
  });

  it('a plain one-liner is its text in a paragraph; the same content is parsed once', () => {
    assert.equal(html('Is the new web app ready?'), '<p>Is the new web app ready?</p>');
    const content = '**cached** @bob';
    assert.equal(renderMarkdown(content, 'bob'), renderMarkdown(content, 'bob'), 'the same elements, not a second parse');
    assert.notEqual(renderMarkdown(content, 'bob'), renderMarkdown(content, 'alice'), 'mentions depend on who reads');
  });

  it('the XSS corpus makes only the allowed elements and attributes, links only to http(s) and mailto', () => {
    for (const content of PAYLOADS) {
      for (const el of elements(renderMarkdown(content, 'bob'))) {
        const type = el.type as string;
        assert.ok(ELEMENTS.has(type) || TABLE.has(type), `${type} from ${content}`);
        for (const prop of Object.keys(el.props)) assert.ok(PROPS.has(prop), `${type}.${prop} from ${content}`);
        if (type === 'a') {
          assert.match(el.props.href as string, /^(https?:\/\/|mailto:)/, content);
          assert.equal(el.props.rel, 'noopener noreferrer');
          assert.equal(el.props.target, '_blank');
        }
      }
      assert.doesNotMatch(html(content), /<(script|img|svg|iframe|input|style|math|object|embed|form)\b/i, content);
    }
  });
});
