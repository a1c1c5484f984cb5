// @vitest-environment jsdom
import DOMPurify from 'dompurify';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { renderMarkdown as renderShared } from '$sync/markdown/render';
import {
	MARKDOWN_FIXTURE,
	XSS_CORPUS,
	parseBody as body,
	unsafeMarkup
} from '../../../../tests/fixtures/markdown';
import { renderMarkdown } from './markdown';

describe('the app renderer', () => {
	it.each(XSS_CORPUS)('neutralises %j', (payload) => {
		expect(unsafeMarkup(body(renderMarkdown(payload)))).toEqual([]);
		expect(unsafeMarkup(body(renderMarkdown(payload, { areTasksInteractive: true })))).toEqual([]);
	});

	it.each([MARKDOWN_FIXTURE, ...XSS_CORPUS])(
		'agrees with the shared renderer on %j: DOMPurify only guards',
		(text) => {
			for (const areTasksInteractive of [false, true]) {
				const options = { areTasksInteractive };
				expect(body(renderMarkdown(text, options)).innerHTML).toBe(
					body(renderShared(text, options)).innerHTML
				);
			}
		}
	);

	it('keeps interactive and disabled renderings of one text apart', () => {
		const text = '- [ ] cached twice';
		const disabled = (html: string) => body(html).querySelector('input')?.hasAttribute('disabled');
		expect(disabled(renderMarkdown(text))).toBe(true);
		expect(disabled(renderMarkdown(text, { areTasksInteractive: true }))).toBe(false);
	});

	it('strips what the shared renderer would never emit', async () => {
		vi.resetModules();
		vi.doMock('$sync/markdown/render', () => ({
			renderMarkdown: () => '<p onclick="alert(1)">x<img src=x onerror=alert(1)></p>'
		}));
		const guarded = await import('./markdown');
		expect(guarded.renderMarkdown('anything')).toBe('<p>x</p>');
		vi.doUnmock('$sync/markdown/render');
	});
});

describe('the app renderer purifier', () => {
	afterEach(() => {
		vi.unstubAllGlobals();
		vi.resetModules();
	});

	it('does not configure the global DOMPurify instance', () => {
		renderMarkdown('- [ ] x');
		expect(DOMPurify.sanitize('<img src="/a.png">')).toBe('<img src="/a.png">');
	});

	it('without a DOM, returns the shared renderer output, which is safe by construction', async () => {
		vi.stubGlobal('window', undefined);
		vi.resetModules();
		const fresh = await import('./markdown');
		const payload = '<script>alert(1)</script> **b**';
		expect(fresh.renderMarkdown(payload)).toBe(renderShared(payload));
	});
});
