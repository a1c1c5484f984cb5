// @vitest-environment jsdom
import DOMPurify from 'dompurify';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { renderMarkdown } from './markdown';

const FORBIDDEN_TAGS = new Set([
	'script',
	'iframe',
	'frame',
	'object',
	'embed',
	'form',
	'input',
	'button',
	'style',
	'svg',
	'math',
	'base',
	'meta',
	'link',
	'img',
	'noscript',
	'template'
]);
const FORBIDDEN_ATTRS = new Set(['style', 'srcdoc', 'formaction']);
const URL_ATTRS = new Set(['href', 'src', 'xlink:href', 'action', 'data', 'poster']);
const DANGEROUS_SCHEMES = ['javascript:', 'vbscript:', 'data:'];

const XSS_CORPUS = [
	'<script>alert(1)</script>',
	'<SCRIPT SRC=//evil.example/x.js></SCRIPT>',
	'<scr<script>ipt>alert(1)</scr</script>ipt>',
	'<img src=x onerror=alert(1)>',
	'<img src="x" alt="&quot; onerror=&quot;alert(1)">',
	'<svg onload=alert(1)>',
	'<svg><script>alert(1)</script></svg>',
	'<svg><a xlink:href="javascript:alert(1)"><text x="0" y="20">x</text></a></svg>',
	'<svg><animate onbegin=alert(1) attributeName=x dur=1s>',
	'[x](javascript:alert(1))',
	'[x](JaVaScRiPt:alert(1))',
	'[x](  javascript:alert(1)  )',
	'[x](<javascript:alert(1)>)',
	'[x](jav&#x61;script:alert(1))',
	'[x](&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1))',
	'[x](javascript&#9;:alert(1))',
	'[x](&#14;javascript:alert(1))',
	'[x](vbscript:msgbox(1))',
	'[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)',
	'[x](DATA:text/html,alert(1))',
	'![x](javascript:alert(1))',
	'![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)',
	'![x" onerror="alert(1)](https://ok.example/a.png)',
	'[x](https://ok.example "\\" onmouseover=\\"alert(1)")',
	'[<img src=x onerror=alert(1)>](https://ok.example)',
	'<javascript:alert(1)>',
	'<vbscript:msgbox(1)>',
	'<data:text/html,alert(1)>',
	'[x][1]\n\n[1]: javascript:alert(1)',
	'[x]\n\n[x]: <jav&#x61;script:alert(1)> "t"',
	'www.example.com/"onmouseover="alert(1)',
	'<a href="javascript:alert(1)">x</a>',
	'<a href="jav&#x61;script:alert(1)">x</a>',
	'<a href="&#x6A;avascript&colon;alert(1)">x</a>',
	'<a href=" &#14; javascript:alert(1)">x</a>',
	'<a href="vbscript:msgbox(1)">x</a>',
	'<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
	'<a href="https://ok.example" onclick="alert(1)">x</a>',
	'<iframe src="javascript:alert(1)"></iframe>',
	'<iframe srcdoc="&lt;script&gt;alert(1)&lt;/script&gt;"></iframe>',
	'<object data="javascript:alert(1)"></object>',
	'<embed src="data:text/html,<script>alert(1)</script>">',
	'<form action="javascript:alert(1)"><input type=submit></form>',
	'<button formaction="javascript:alert(1)">x</button>',
	'<input onfocus=alert(1) autofocus>',
	'<div style="background:url(javascript:alert(1))">x</div>',
	'<p style="width:expression(alert(1))">x</p>',
	"<style>@import 'javascript:alert(1)';</style>",
	'<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>',
	'<math href="javascript:alert(1)">x</math>',
	'<math><maction actiontype="statusline" xlink:href="javascript:alert(1)">x</maction></math>',
	'<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
	'<!--><img src=x onerror=alert(1)>-->',
	'<![CDATA[<img src=x onerror=alert(1)>]]>',
	'<template><script>alert(1)</script></template>',
	'<details open ontoggle=alert(1)>',
	'<body onload=alert(1)>',
	'<base href="javascript:/">',
	'<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
	'<link rel=import href="data:text/html,<script>alert(1)</script>">',
	'<marquee onstart=alert(1)>x</marquee>',
	'<video><source onerror=alert(1)></video>',
	'<x onclick=alert(1)>x</x>',
	'**<img src=x onerror=alert(1)>**',
	'- [ ] <img src=x onerror=alert(1)>',
	'> <svg onload=alert(1)>',
	'| a |\n|---|\n| <img src=x onerror=alert(1)> |',
	'line\n<script>alert(1)</script>'
];

// Control characters go before trimming: browsers strip leading C0 controls and spaces alike.
function normaliseUrl(value: string): string {
	return (
		value
			// eslint-disable-next-line no-control-regex
			.replace(/[\u0000-\u001f\u007f]/g, '')
			.trim()
			.toLowerCase()
	);
}

function parse(html: string): Document {
	return new DOMParser().parseFromString(`<!doctype html><body>${html}`, 'text/html');
}

describe('renderMarkdown XSS corpus', () => {
	it('has at least 40 distinct payloads', () => {
		expect(new Set(XSS_CORPUS).size).toBe(XSS_CORPUS.length);
		expect(XSS_CORPUS.length).toBeGreaterThanOrEqual(40);
	});

	it.each(XSS_CORPUS)('neutralises %j', (payload) => {
		const doc = parse(renderMarkdown(payload));
		for (const el of doc.querySelectorAll('*')) {
			expect(FORBIDDEN_TAGS.has(el.localName), `<${el.localName}>`).toBe(false);
			for (const attr of el.attributes) {
				const name = attr.name.toLowerCase();
				expect(name.startsWith('on'), `${name} on <${el.localName}>`).toBe(false);
				expect(FORBIDDEN_ATTRS.has(name), `${name} on <${el.localName}>`).toBe(false);
				if (URL_ATTRS.has(name)) {
					const url = normaliseUrl(attr.value);
					for (const scheme of DANGEROUS_SCHEMES) {
						expect(url.startsWith(scheme), `${name}="${attr.value}"`).toBe(false);
					}
				}
			}
		}
	});
});

describe('renderMarkdown formatting', () => {
	function render(text: string): HTMLElement {
		return parse(renderMarkdown(text)).body;
	}

	it('renders bold and italic', () => {
		const body = render('**bold** and *italic*');
		expect(body.querySelector('strong')?.textContent).toBe('bold');
		expect(body.querySelector('em')?.textContent).toBe('italic');
	});

	it('renders unordered and ordered lists', () => {
		expect(render('- a\n- b').querySelectorAll('ul > li')).toHaveLength(2);
		const ol = render('3. x\n4. y').querySelector('ol');
		expect(ol?.getAttribute('start')).toBe('3');
		expect(ol?.querySelectorAll('li')).toHaveLength(2);
	});

	it('renders task list items as ballot boxes, without inputs', () => {
		const body = render('- [ ] todo\n- [x] done');
		expect([...body.querySelectorAll('li')].map((li) => li.textContent)).toEqual([
			'☐ todo',
			'☑ done'
		]);
		expect(body.querySelector('input')).toBeNull();
	});

	it('renders code blocks and inline code with their content escaped', () => {
		const body = render('```js\nconst a = "<b>";\n```\n\nuse `<em>` here');
		expect(body.querySelector('pre > code')?.textContent).toBe('const a = "<b>";\n');
		expect(body.querySelector('p > code')?.textContent).toBe('<em>');
		expect(body.querySelector('b, em')).toBeNull();
	});

	it('opens https links in a new tab without leaking the opener or referrer', () => {
		const a = render('[site](https://example.com/page "Title")').querySelector('a');
		expect(a?.getAttribute('href')).toBe('https://example.com/page');
		expect(a?.getAttribute('title')).toBe('Title');
		expect(a?.getAttribute('target')).toBe('_blank');
		expect(a?.getAttribute('rel')).toBe('noopener noreferrer nofollow');
		expect(a?.textContent).toBe('site');
	});

	it('autolinks bare URLs and keeps mailto and relative links', () => {
		const body = render('https://example.com [m](mailto:me@example.com) [r](/t/1) [f](#x)');
		const hrefs = [...body.querySelectorAll('a')].map((a) => a.getAttribute('href'));
		expect(hrefs).toEqual(['https://example.com', 'mailto:me@example.com', '/t/1', '#x']);
	});

	it('drops the href of links with other schemes', () => {
		const a = render('[x](ftp://example.com/f)').querySelector('a');
		expect(a?.hasAttribute('href')).toBe(false);
		expect(a?.hasAttribute('target')).toBe(false);
	});

	it('turns images into links labelled with their alt text', () => {
		const body = render('![a cat](https://example.com/cat.png) ![](https://example.com/d.png)');
		expect(body.querySelector('img')).toBeNull();
		const links = [...body.querySelectorAll('a')];
		expect(links.map((a) => [a.getAttribute('href'), a.textContent])).toEqual([
			['https://example.com/cat.png', 'a cat'],
			['https://example.com/d.png', 'https://example.com/d.png']
		]);
	});

	it('keeps tags at the start of a line as paragraph text, not headings', () => {
		const body = render('#tag\n#a/b nested');
		expect(body.querySelector('h1, h2, h3, h4, h5, h6')).toBeNull();
		expect(body.querySelector('p')?.innerHTML).toBe('#tag<br>#a/b nested');
		expect(render('# Heading').querySelector('h1')?.textContent).toBe('Heading');
	});

	it('turns single line breaks into <br>', () => {
		const p = render('one\ntwo\nthree').querySelector('p');
		expect(p?.querySelectorAll('br')).toHaveLength(2);
		expect(p?.textContent).toBe('onetwothree');
	});

	it('shows raw HTML as literal text', () => {
		const body = render('Map<K, V> and <b>bold</b>');
		expect(body.querySelector('b')).toBeNull();
		expect(body.querySelector('p')?.textContent).toBe('Map<K, V> and <b>bold</b>');
	});
});

describe('renderMarkdown purifier', () => {
	afterEach(() => {
		vi.unstubAllGlobals();
		vi.resetModules();
	});

	it('does not add its link hook to the global DOMPurify instance', () => {
		renderMarkdown('[x](https://example.com)');
		const clean = DOMPurify.sanitize('<a href="https://example.com">x</a>');
		expect(clean).toBe('<a href="https://example.com">x</a>');
	});

	it('can be imported without a DOM but refuses to render unsanitised HTML', async () => {
		vi.stubGlobal('window', undefined);
		vi.resetModules();
		const fresh = await import('./markdown');
		expect(() => fresh.renderMarkdown('<script>alert(1)</script>')).toThrow(/DOM/);
	});
});
