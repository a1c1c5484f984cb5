import { Marked, type Token, type Tokens } from 'marked';

/**
 * One Markdown dialect for every surface: GitHub-flavoured, single line breaks kept. Raw HTML
 * is not recognised, so `Map<K, V>` or `<name>` stays literal text instead of vanishing.
 */
const marked = new Marked({
	gfm: true,
	breaks: true,
	tokenizer: {
		html: () => undefined,
		tag: () => undefined
	}
});

export function lexMarkdown(text: string): Token[] {
	return marked.lexer(text);
}

/**
 * Visits every task list item in document order (an item before the items nested in it): the
 * order the renderer numbers checkboxes in, so an index means the same item on both sides.
 */
export function forEachTask(
	tokens: readonly Token[],
	visit: (item: Tokens.ListItem) => void
): void {
	for (const token of tokens) {
		if (token.type === 'list') {
			for (const item of (token as Tokens.List).items) {
				if (item.task) visit(item);
				forEachTask(item.tokens, visit);
			}
		} else if (token.type === 'blockquote') {
			forEachTask((token as Tokens.Blockquote).tokens, visit);
		}
	}
}
