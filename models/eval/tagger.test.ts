import { describe, expect, it } from 'vitest';
import { evaluateTagger, taggerSection, withSection } from './tagger';
import { queryTag, seededLibraryCase } from './tagger-cases';

describe('tagger evaluation', () => {
	it('scores head and vote on the same held-out thoughts of a seeded library', async () => {
		const result = await evaluateTagger(seededLibraryCase(600, 4));
		expect(result.labels).toBeGreaterThan(5);
		expect(result.heldOut).toBeGreaterThan(20);
		expect(result.head.examples).toBe(result.heldOut);
		expect(result.baseline.examples).toBe(result.heldOut);
		expect(result.head.microF1).toBeGreaterThan(0);
		expect(result.baseline.microF1).toBeGreaterThan(0);
	});

	it('turns queries into tags the way a person writes them', () => {
		expect(queryTag(' Feeling  sad ')).toBe('feeling-sad');
	});

	it('replaces its own section of EVAL.md and leaves the rest alone', () => {
		const section = taggerSection([]);
		const report = withSection('# Search evaluation\n\nrest\n', section);
		expect(report).toBe(`# Search evaluation\n\nrest\n\n${section}\n`);
		const newer = taggerSection([]).replace('Tagger vs', 'Tagger versus');
		expect(withSection(report, newer)).toBe(`# Search evaluation\n\nrest\n\n${newer}\n`);
	});
});
