import DOMPurify from 'dompurify';
import { Marked } from 'marked';

const marked = new Marked({
	async: false,
	gfm: true,
	breaks: true,
	tokenizer: {
		// Raw HTML stays literal text, so `Map<K, V>` or `<name>` in a thought neither vanishes nor runs.
		html: () => undefined,
		tag: () => undefined
	},
	renderer: {
		// The CSP (img-src 'self' data: blob:) would block remote images: link to them instead.
		image({ href, title, text, tokens }) {
			const label = text ? tokens : [{ type: 'text' as const, raw: href, text: href }];
			return this.link({ type: 'link', raw: href, href, title, text: text || href, tokens: label });
		},
		// Task lists keep their state without an <input> element.
		checkbox: ({ checked }) => (checked ? '☑ ' : '☐ ')
	}
});

const PURIFY_CONFIG = {
	ALLOWED_TAGS: [
		'p',
		'br',
		'strong',
		'em',
		'del',
		'code',
		'pre',
		'blockquote',
		'ul',
		'ol',
		'li',
		'a',
		'h1',
		'h2',
		'h3',
		'h4',
		'h5',
		'h6',
		'hr',
		'table',
		'thead',
		'tbody',
		'tr',
		'th',
		'td'
	],
	ALLOWED_ATTR: ['href', 'title', 'start', 'align'],
	ALLOW_DATA_ATTR: false,
	ALLOW_ARIA_ATTR: false,
	// http(s), mailto and scheme-less (relative, fragment) URLs only.
	ALLOWED_URI_REGEXP: /^(?:(?:https?|mailto):|[^a-z]|[a-z+.-]+(?:[^a-z+.\-:]|$))/i
};

let purifier: typeof DOMPurify | undefined;

function getPurifier(): typeof DOMPurify {
	if (purifier) return purifier;
	const win = globalThis.window;
	const instance = DOMPurify(win);
	// Without a DOM, DOMPurify returns its input unsanitised.
	if (!instance.isSupported) throw new Error('renderMarkdown needs a DOM window');
	instance.setConfig(PURIFY_CONFIG);
	instance.addHook('afterSanitizeAttributes', (node) => {
		if (node instanceof win.HTMLAnchorElement && node.hasAttribute('href')) {
			node.setAttribute('target', '_blank');
			node.setAttribute('rel', 'noopener noreferrer nofollow');
		}
	});
	purifier = instance;
	return instance;
}

/** Rendered texts kept: every live query re-run hands the list new row objects. */
const CACHE_SIZE = 500;
const rendered = new Map<string, string>();

/** Renders a thought's Markdown to sanitised HTML. Needs a DOM (browser or jsdom). */
export function renderMarkdown(text: string): string {
	let html = rendered.get(text);
	if (html === undefined) {
		html = getPurifier().sanitize(marked.parse(text, { async: false }));
		if (rendered.size >= CACHE_SIZE) rendered.delete(rendered.keys().next().value!);
	} else {
		rendered.delete(text);
	}
	rendered.set(text, html);
	return html;
}
