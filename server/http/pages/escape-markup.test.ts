import { describe, expect, it } from 'vitest';
import { escapeMarkup } from './markup';

describe('escapeMarkup', () => {
	it('escapes the five markup characters', () => {
		expect(escapeMarkup(`<a href="x">'&'</a>`)).toBe(
			'&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;'
		);
	});

	it('drops what XML 1.0 forbids and keeps everything it allows', () => {
		// Lone surrogates on both sides of b: a pair would be a valid astral character.
		const input = 'a\u0000\u0001\u0008\u000b\u000c\u001f\ud800b\udfff\ufffe\uffffc';
		expect(escapeMarkup(input)).toBe('abc');
		const allowed = 'tab\tline\ncr\r café 日本 👩‍👩‍👧 \ud7ff\ue000\ufffd';
		expect(escapeMarkup(allowed)).toBe(allowed);
	});
});
