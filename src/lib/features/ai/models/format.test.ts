import { describe, expect, it } from 'vitest';
import { formatMetrics, formatSignature, formatSize, shortSha } from './format';

describe('model formatting', () => {
	it('shows a signature as inputs → outputs with their dims', () => {
		const signature = {
			inputs: [{ name: 'embeddings', type: 'float32', dims: ['batch', 100] }],
			outputs: [{ name: 'scores', type: 'float32', dims: ['batch', 5] }]
		};
		expect(formatSignature(signature)).toBe(
			'embeddings float32 [batch, 100] → scores float32 [batch, 5]'
		);
		expect(formatSignature({ inputs: [], outputs: [] })).toBe('none → none');
	});

	it('shows metrics as percentages, sizes in their unit, and a short sha256', () => {
		const metrics = { microF1: 0.62, precisionAt3: 0.4, recallAt3: 0.8, examples: 10 };
		expect(formatMetrics(metrics)).toBe('F1 62.0% · P@3 40.0% · R@3 80.0%');
		expect([formatSize(900), formatSize(2300), formatSize(5 * 1024 * 1024)]).toEqual([
			'900 B',
			'2.2 kB',
			'5.0 MB'
		]);
		expect(shortSha('ab'.repeat(32))).toBe('abababababab');
	});
});
