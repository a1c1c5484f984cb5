// @vitest-environment jsdom
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
	MARKDOWN_FIXTURE,
	XSS_CORPUS,
	parseBody as body,
	unsafeMarkup
} from '../../tests/fixtures/markdown';
import { renderMarkdown } from './render';

const all = (root: ReturnType<typeof body>, selectors: string) =>
	Array.from(root.querySelectorAll(selectors));
const render = (text: string, areTasksInteractive = false) =>
	body(renderMarkdown(text, { areTasksInteractive }));

describe('renderMarkdown XSS corpus', () => {
	it('has at least 80 distinct payloads', () => {
		expect(new Set(XSS_CORPUS).size).toBe(XSS_CORPUS.length);
		expect(XSS_CORPUS.length).toBeGreaterThanOrEqual(80);
	});

	it.each(XSS_CORPUS)('neutralises %j', (payload) => {
		expect(unsafeMarkup(render(payload))).toEqual([]);
		expect(unsafeMarkup(render(payload, true))).toEqual([]);
	});

	it('keeps generated Markdown-ish text inert', () => {
		const pieces = ['<', '>', '"', "'", '&', '#', ';', '[', ']', '(', ')', '*', '_', '`', '!', ':'];
		const words = ['javascript', 'script', 'img', 'onerror=', 'x', ' ', '\n', '- [ ] ', '> '];
		const text = fc
			.array(fc.constantFrom(...pieces, ...words), { maxLength: 40 })
			.map((parts) => parts.join(''));
		fc.assert(
			fc.property(text, (value) => unsafeMarkup(render(value, true)).length === 0),
			{ numRuns: 400, seed: 1717 }
		);
	});

	it('flags what it must flag, so the corpus checks can fail', () => {
		const bad = body('<img src=x><a href="java\tscript:x" onclick="y">z</a><input type=text>');
		expect(unsafeMarkup(bad)).toEqual([
			'<img>',
			'onclick on <a>',
			'href="java\tscript:x"',
			'<input type="text">'
		]);
	});
});

describe('renderMarkdown formatting', () => {
	it('renders bold, italic, strikethrough and inline code', () => {
		const p = render('**bold** and *italic* ~~gone~~ `<em>`').querySelector('p')!;
		expect(p.querySelector('strong')?.textContent).toBe('bold');
		expect(p.querySelector('em')?.textContent).toBe('italic');
		expect(p.querySelector('del')?.textContent).toBe('gone');
		expect(p.querySelector('code')?.textContent).toBe('<em>');
	});

	it('renders unordered and ordered lists, keeping a start number', () => {
		expect(render('- a\n- b').querySelectorAll('ul > li')).toHaveLength(2);
		const ol = render('3. x\n4. y').querySelector('ol');
		expect(ol?.getAttribute('start')).toBe('3');
		expect(ol?.querySelectorAll('li')).toHaveLength(2);
		expect(render('1. x').querySelector('ol')?.hasAttribute('start')).toBe(false);
	});

	it('renders task items as checkboxes labelled by their text, numbered in order', () => {
		const root = render('- [ ] todo **now**\n- [x] done\n  - [ ] nested\n\n> - [x] quoted');
		const boxes = all(root, 'li.task > label > input[type=checkbox]');
		expect(boxes.map((box) => box.closest('label')?.textContent?.trim())).toEqual([
			'todo now',
			'done',
			'nested',
			'quoted'
		]);
		expect(boxes.map((box) => box.getAttribute('data-task'))).toEqual(['0', '1', '2', '3']);
		expect(boxes.map((box) => box.hasAttribute('checked'))).toEqual([false, true, false, true]);
		expect(boxes.every((box) => box.hasAttribute('disabled'))).toBe(true);
	});

	it('leaves task checkboxes enabled where they may be ticked', () => {
		expect(render('- [ ] a', true).querySelector('input')?.hasAttribute('disabled')).toBe(false);
	});

	it('renders block quotes, headings from h3 and tables', () => {
		expect(render('> quoted *text*').querySelector('blockquote > p > em')?.textContent).toBe(
			'text'
		);
		expect(render('# One').querySelector('h3')?.textContent).toBe('One');
		expect(render('#### Four').querySelector('h6')?.textContent).toBe('Four');
		const table = render('| a | b |\n|:-|-:|\n| 1 | 2 |').querySelector('table');
		expect(all(table!, 'th').map((th) => th.getAttribute('align'))).toEqual(['left', 'right']);
		expect(table?.querySelector('tbody td')?.textContent).toBe('1');
	});

	it('renders code blocks with their content escaped', () => {
		const root = render('```js\nconst a = "<b>";\n```');
		expect(root.querySelector('pre > code')?.textContent).toBe('const a = "<b>";');
		expect(root.querySelector('b')).toBeNull();
	});

	it('opens web links in a new tab without leaking the opener or referrer', () => {
		const a = render('[site](https://example.com/page "Title")').querySelector('a');
		expect(a?.getAttribute('href')).toBe('https://example.com/page');
		expect(a?.getAttribute('title')).toBe('Title');
		expect(a?.getAttribute('target')).toBe('_blank');
		expect(a?.getAttribute('rel')).toBe('noopener noreferrer nofollow ugc');
		expect(a?.textContent).toBe('site');
	});

	it('autolinks bare URLs and keeps mailto and relative links in the same tab', () => {
		const root = render('https://example.com [m](mailto:me@example.com) [r](/t/1) [f](#x)');
		const links = all(root, 'a');
		expect(links.map((a) => a.getAttribute('href'))).toEqual([
			'https://example.com',
			'mailto:me@example.com',
			'/t/1',
			'#x'
		]);
		expect(links.map((a) => a.hasAttribute('target'))).toEqual([true, false, false, false]);
	});

	it('shows links with other schemes as their text only', () => {
		const root = render('[x](ftp://example.com/f) [y](javascript:alert(1))');
		expect(root.querySelector('a')).toBeNull();
		expect(root.querySelector('p')?.textContent).toBe('x y');
	});

	it('turns images into links labelled with their alt text, never nested in a link', () => {
		const root = render('![a cat](https://example.com/cat.png) ![](https://example.com/d.png)');
		expect(root.querySelector('img')).toBeNull();
		expect(all(root, 'a').map((a) => [a.getAttribute('href'), a.textContent])).toEqual([
			['https://example.com/cat.png', 'a cat'],
			['https://example.com/d.png', 'https://example.com/d.png']
		]);
		const wrapped = render('[![alt](https://example.com/i.png)](https://example.com/page)');
		expect(all(wrapped, 'a').map((a) => a.getAttribute('href'))).toEqual([
			'https://example.com/page'
		]);
	});

	it('keeps tags at the start of a line as paragraph text, with line breaks', () => {
		const root = render('#tag\n#a/b nested');
		expect(root.querySelector('h1, h2, h3, h4, h5, h6')).toBeNull();
		expect(root.querySelector('p')?.innerHTML).toBe('#tag<br>#a/b nested');
	});

	it('shows raw HTML and character references as the author typed them', () => {
		expect(render('Map<K, V> and <b>bold</b>').querySelector('p')?.textContent).toBe(
			'Map<K, V> and <b>bold</b>'
		);
		expect(render('AT&amp;T &#8212; &lt;b&gt; & co').querySelector('p')?.textContent).toBe(
			'AT&T — <b> & co'
		);
	});

	it('renders the shared fixture', () => {
		const root = render(MARKDOWN_FIXTURE);
		expect(root.querySelector('p > strong')?.textContent).toBe('Bob');
		expect(root.querySelector('a')?.textContent).toBe('Piranesi');
		expect(root.querySelectorAll('input[type=checkbox]')).toHaveLength(2);
		expect(root.querySelector('blockquote code')?.textContent).toBe('code');
	});
});

describe('renderMarkdown link destinations', () => {
	const href = (text: string) => render(text).querySelector('a')?.getAttribute('href') ?? null;

	it('decodes character references before judging the scheme', () => {
		expect(href('[q](https://example.com/?a=1&amp;b=2)')).toBe('https://example.com/?a=1&b=2');
		expect(href('[x](jav&#x61;script:alert(1))')).toBeNull();
		expect(href('[x](&#106;avascript:alert(1))')).toBeNull();
		expect(href('[x](javascript&#58;alert(1))')).toBeNull();
		expect(href('[x](java&Tab;script:alert(1))')).toBeNull();
		expect(href('[x](/path&#63;q)')).toBe('/path?q');
	});
});
