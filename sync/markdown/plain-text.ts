import type { Token, Tokens } from 'marked';
import { lexMarkdown } from './lexer';

/**
 * What a reader sees of a thought's Markdown, without the marks: for page titles, link
 * previews and feed titles, where no markup may go. Blocks and line breaks end in a newline,
 * so a first line is the line the author wrote first; a task keeps its box as ☐ or ☑.
 * Character references stay as written (the caller escapes).
 */
export function markdownToPlainText(text: string): string {
	return blocks(lexMarkdown(text)).trim();
}

function blocks(tokens: readonly Token[]): string {
	return tokens.map(block).join('');
}

function block(token: Token): string {
	switch (token.type) {
		case 'space':
		case 'def':
		case 'hr':
			return '';
		case 'code':
			return `${(token as Tokens.Code).text}\n`;
		case 'list':
			return (token as Tokens.List).items.map(listItem).join('');
		case 'table': {
			const table = token as Tokens.Table;
			const row = (cells: Tokens.TableCell[]) => cells.map((cell) => inline(cell.tokens));
			return [table.header, ...table.rows].map((cells) => `${row(cells).join(' | ')}\n`).join('');
		}
		case 'blockquote':
			return blocks((token as Tokens.Blockquote).tokens);
		default:
			return 'tokens' in token && token.tokens ? `${inline(token.tokens)}\n` : `${token.raw}\n`;
	}
}

function listItem(item: Tokens.ListItem): string {
	const box = item.task ? (item.checked ? '☑ ' : '☐ ') : '';
	return `${box}${blocks(item.tokens.filter((token) => token.type !== 'checkbox'))}`;
}

function inline(tokens: readonly Token[]): string {
	return tokens
		.map((token) => {
			if (token.type === 'br') return '\n';
			if (token.type === 'image') return (token as Tokens.Image).text;
			if (token.type === 'codespan' || token.type === 'escape')
				return (token as Tokens.Codespan).text;
			// marked's text has its character references decoded and bare `&` re-escaped; the raw
			// run is what the author wrote, references and all (the caller escapes).
			if (token.type === 'text' && !('tokens' in token && token.tokens)) return token.raw;
			return 'tokens' in token && token.tokens
				? inline(token.tokens)
				: 'text' in token
					? String(token.text)
					: token.raw;
		})
		.join('');
}
