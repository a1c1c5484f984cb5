import { describe, expect, it } from 'vitest';
import { MARKDOWN_FIXTURE } from '../../tests/fixtures/markdown';
import { markdownToPlainText } from './plain-text';

describe('markdownToPlainText', () => {
	it('keeps what a reader sees and drops the marks', () => {
		expect(markdownToPlainText(MARKDOWN_FIXTURE)).toBe(
			'Bob lent me Piranesi and Circe\n☐ return Piranesi\n☑ read it\nA quote, code'
		);
	});

	it('keeps headings, tags, code, images and tables as text', () => {
		expect(markdownToPlainText('# Title\n#tag and ![a cat](https://x.example/c.png)')).toBe(
			'Title\n#tag and a cat'
		);
		expect(markdownToPlainText('```\nconst a = 1;\n```')).toBe('const a = 1;');
		expect(markdownToPlainText('| a | b |\n|---|---|\n| 1 | 2 |')).toBe('a | b\n1 | 2');
	});

	it('keeps the author’s line breaks', () => {
		expect(markdownToPlainText('  Title **line**  \nbody')).toBe('Title line\nbody');
	});

	it('keeps raw HTML as the text it is', () => {
		expect(markdownToPlainText('<script>alert(1)</script> **x**')).toBe(
			'<script>alert(1)</script> x'
		);
	});

	it('keeps ampersands and character references as written', () => {
		expect(markdownToPlainText('AT&T &#8212; and **Q&A**')).toBe('AT&T &#8212; and Q&A');
	});
});
