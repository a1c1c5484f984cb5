import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { ModelEntrySchema } from '$sync/doc/model-registry';
import { CATALOG, catalogEntry, catalogId, formatMegabytes } from './catalog';

describe('the model catalog', () => {
	it('makes registry entries that validate, one id per model', () => {
		for (const model of CATALOG) {
			const entry = catalogEntry(model, 1);
			expect(v.safeParse(ModelEntrySchema, entry).success, model.repo).toBe(true);
			expect(entry).toMatchObject({ kind: 'transformers', source: 'hub', location: model.repo });
		}
		expect(new Set(CATALOG.map(catalogId)).size).toBe(CATALOG.length);
		expect(catalogId(CATALOG[0])).toBe('xenova-all-minilm-l6-v2');
	});

	it('formats sizes for people', () => {
		expect(formatMegabytes(23_000_000)).toBe('23 MB');
		expect(formatMegabytes(1_234_567)).toBe('1.2 MB');
		expect(formatMegabytes(0)).toBe('0.0 MB');
	});
});
