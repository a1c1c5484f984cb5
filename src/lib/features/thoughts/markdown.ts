import DOMPurify from 'dompurify';
import { renderMarkdown as renderShared, type RenderOptions } from '$sync/markdown/render';

/**
 * The app's Markdown: the shared renderer (sync/markdown), the same one the server's public
 * pages and RSS use, which is safe by construction. DOMPurify runs over it as defence in
 * depth, with an allow-list of exactly what the renderer emits, so it changes nothing unless
 * the renderer ever has a bug (markdown.test.ts checks the two agree).
 */

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
		'label',
		'input',
		'a',
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
	ALLOWED_ATTR: [
		'href',
		'title',
		'target',
		'rel',
		'start',
		'align',
		'class',
		'type',
		'checked',
		'disabled',
		'data-task'
	],
	ALLOW_DATA_ATTR: false,
	ALLOW_ARIA_ATTR: false,
	// http(s), mailto and scheme-less (relative, fragment) URLs only.
	ALLOWED_URI_REGEXP: /^(?:(?:https?|mailto):|[^a-z]|[a-z+.-]+(?:[^a-z+.\-:]|$))/i
};

let purifier: typeof DOMPurify | null | undefined;

/** A private DOMPurify instance (the global one stays unconfigured), or null without a DOM. */
function getPurifier(): typeof DOMPurify | null {
	if (purifier !== undefined) return purifier;
	const instance = globalThis.window ? DOMPurify(globalThis.window) : null;
	purifier = instance?.isSupported ? instance : null;
	purifier?.setConfig(PURIFY_CONFIG);
	return purifier;
}

/** Rendered texts kept: every live query re-run hands the list new row objects. */
const CACHE_SIZE = 500;
const rendered = new Map<string, string>();

/** Renders a thought's Markdown to safe HTML; task checkboxes are disabled unless asked. */
export function renderMarkdown(text: string, options: RenderOptions = {}): string {
	const key = `${options.areTasksInteractive ? 'i' : 'r'}${text}`;
	let html = rendered.get(key);
	if (html === undefined) {
		html = renderShared(text, options);
		html = getPurifier()?.sanitize(html) ?? html;
		if (rendered.size >= CACHE_SIZE) rendered.delete(rendered.keys().next().value!);
	} else {
		rendered.delete(key);
	}
	rendered.set(key, html);
	return html;
}
