import { describe, expect, it } from 'vitest';
import { parseExportFile } from '../sync/export-format';
import { toExportJson } from '../src/lib/features/data/export-files';
import { generateThoughts } from './seed-data';

const END = Date.UTC(2026, 0, 1);
const YEAR = 365 * 86_400_000;

describe('generateThoughts', () => {
	const thoughts = generateThoughts(2000, 7, END);

	it('writes an export file the import accepts', () => {
		const result = parseExportFile(JSON.parse(toExportJson(thoughts, new Date(END))));
		expect(result.ok).toBe(true);
		expect(result.ok && result.file.thoughts).toHaveLength(2000);
	});

	it('gives every thought its own id', () => {
		expect(new Set(thoughts.map((thought) => thought.id)).size).toBe(2000);
	});

	it('is deterministic for a seed', () => {
		expect(generateThoughts(2000, 7, END)).toEqual(thoughts);
		expect(generateThoughts(2000, 8, END)).not.toEqual(thoughts);
	});

	it('spreads thoughts over more than three years before the end', () => {
		const times = thoughts.map((thought) => Date.parse(thought.createdAt));
		expect(Math.max(...times)).toBeLessThan(END);
		expect(Math.max(...times) - Math.min(...times)).toBeGreaterThan(3 * YEAR);
	});

	it('tags, nests tags and pins some thoughts, as people do', () => {
		const tagged = thoughts.filter((thought) => thought.tags.length > 0).length;
		expect(tagged / thoughts.length).toBeGreaterThan(0.3);
		expect(thoughts.some((thought) => thought.tags.some((tag) => tag.includes('/')))).toBe(true);
		expect(thoughts.some((thought) => thought.pinned)).toBe(true);
		expect(thoughts.some((thought) => thought.visibility !== 'private')).toBe(true);
	});
});
