import type { Token, Tokens } from 'marked';
import { escapeAll, escapeText } from './escape';
import { lexMarkdown } from './lexer';
import { isExternal, safeHref } from './safe-url';

/**
 * The one Markdown renderer for every surface: the app's timeline, feed, post and notification
 * views, and the server's public pages and RSS. It needs no DOM, and it is safe by
 * construction: it emits only the tags and attributes written below, and every piece of the
 * author's text goes through an escape. Raw HTML in a thought is shown as text.
 */

export interface RenderOptions {
	/**
	 * Whether task checkboxes can be ticked: in the owner's own views, where a tick edits the
	 * thought. Elsewhere they are shown disabled.
	 */
	areTasksInteractive?: boolean;
}

/** The data attribute that carries a checkbox's task index (see `setTaskChecked`). */
export const TASK_INDEX_ATTRIBUTE = 'data-task';

interface Context {
	areTasksInteractive: boolean;
	nextTask: number;
	isInLink: boolean;
}

export function renderMarkdown(text: string, options: RenderOptions = {}): string {
	const context: Context = {
		areTasksInteractive: options.areTasksInteractive ?? false,
		nextTask: 0,
		isInLink: false
	};
	return blocks(lexMarkdown(text), context);
}

function blocks(tokens: readonly Token[], context: Context): string {
	return tokens.map((token) => block(token, context)).join('');
}

function block(token: Token, context: Context): string {
	switch (token.type) {
		case 'space':
		case 'def':
			return '';
		case 'paragraph':
			return `<p>${inline((token as Tokens.Paragraph).tokens, context)}</p>\n`;
		case 'text':
			return textToken(token as Tokens.Text, context);
		case 'heading':
			return heading(token as Tokens.Heading, context);
		case 'code':
			return `<pre><code>${escapeAll((token as Tokens.Code).text)}</code></pre>\n`;
		case 'blockquote':
			return `<blockquote>\n${blocks((token as Tokens.Blockquote).tokens, context)}</blockquote>\n`;
		case 'list':
			return list(token as Tokens.List, context);
		case 'table':
			return table(token as Tokens.Table, context);
		case 'hr':
			return '<hr>\n';
		default:
			// Raw HTML (never recognised by the lexer) or a token this renderer does not know: text.
			return `<p>${escapeAll(token.raw)}</p>\n`;
	}
}

/**
 * Thoughts live inside pages that have their own h1 and h2, so `#` starts at h3. A `#tag` at
 * the start of a line is no heading: Markdown needs a space after the hashes.
 */
function heading(token: Tokens.Heading, context: Context): string {
	const level = Math.min(token.depth + 2, 6);
	return `<h${level}>${inline(token.tokens, context)}</h${level}>\n`;
}

function list(token: Tokens.List, context: Context): string {
	const tag = token.ordered ? 'ol' : 'ul';
	const start =
		token.ordered && typeof token.start === 'number' && token.start !== 1
			? ` start="${Math.trunc(token.start)}"`
			: '';
	const items = token.items.map((item) => listItem(item, context)).join('');
	return `<${tag}${start}>\n${items}</${tag}>\n`;
}

/** A task item's checkbox is labelled by the item's first line of text. */
function listItem(item: Tokens.ListItem, context: Context): string {
	if (!item.task) return `<li>${blocks(item.tokens, context)}</li>\n`;
	const index = context.nextTask++;
	const rest = item.tokens.filter((token) => token.type !== 'checkbox');
	const first = rest[0];
	const hasLabelText = first?.type === 'text' || first?.type === 'paragraph';
	const label = hasLabelText ? textToken(first as Tokens.Text, context) : '';
	const box =
		`<input type="checkbox" ${TASK_INDEX_ATTRIBUTE}="${index}"` +
		`${item.checked ? ' checked' : ''}${context.areTasksInteractive ? '' : ' disabled'}>`;
	const after = blocks(hasLabelText ? rest.slice(1) : rest, context);
	return `<li class="task"><label>${box} ${label}</label>${after}</li>\n`;
}

function table(token: Tokens.Table, context: Context): string {
	const cell = (tag: 'th' | 'td', value: Tokens.TableCell) => {
		const align = value.align ? ` align="${value.align}"` : '';
		return `<${tag}${align}>${inline(value.tokens, context)}</${tag}>`;
	};
	const head = `<tr>${token.header.map((value) => cell('th', value)).join('')}</tr>`;
	const rows = token.rows
		.map((row) => `<tr>${row.map((value) => cell('td', value)).join('')}</tr>\n`)
		.join('');
	return `<table>\n<thead>\n${head}\n</thead>\n<tbody>\n${rows}</tbody>\n</table>\n`;
}

/** Text with inline tokens (a tight list item's text, a paragraph's content), or plain text. */
function textToken(token: Tokens.Text, context: Context): string {
	return token.tokens ? inline(token.tokens, context) : escapeText(token.text);
}

function inline(tokens: readonly Token[], context: Context): string {
	return tokens.map((token) => inlineToken(token, context)).join('');
}

function inlineToken(token: Token, context: Context): string {
	switch (token.type) {
		case 'text':
			return textToken(token as Tokens.Text, context);
		case 'escape':
			return escapeAll((token as Tokens.Escape).text);
		case 'strong':
			return `<strong>${inline((token as Tokens.Strong).tokens, context)}</strong>`;
		case 'em':
			return `<em>${inline((token as Tokens.Em).tokens, context)}</em>`;
		case 'del':
			return `<del>${inline((token as Tokens.Del).tokens, context)}</del>`;
		case 'codespan':
			return `<code>${escapeAll((token as Tokens.Codespan).text)}</code>`;
		case 'br':
			return '<br>';
		case 'link':
			return link(token as Tokens.Link, context);
		case 'image':
			// A link labelled with the alt text: a remote image would tell a third party who reads
			// the thought, and the app's CSP (img-src 'self') blocks it anyway.
			return link(token as Tokens.Image, context);
		default:
			return escapeAll(token.raw);
	}
}

/** A link's text, then the link around it when its URL is safe; links never nest. */
function link(token: Tokens.Link | Tokens.Image, context: Context): string {
	const wasInLink = context.isInLink;
	context.isInLink = true;
	const content =
		token.type === 'image' ? escapeText(token.text || token.href) : inline(token.tokens, context);
	context.isInLink = wasInLink;
	const href = wasInLink ? null : safeHref(token.href);
	if (href === null) return content;
	const title = token.title ? ` title="${escapeAll(token.title)}"` : '';
	const target = isExternal(href) ? ' target="_blank"' : '';
	return `<a href="${escapeAll(href)}"${title}${target} rel="noopener noreferrer nofollow ugc">${content}</a>`;
}
