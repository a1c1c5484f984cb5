import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { buildDataset, DatasetError, parseDatasetSnapshot, type DatasetRow } from './dataset';

const ROWS: DatasetRow[] = [
	{ id: 't3', hash: 'h3', tags: ['garden', 'cooking'] },
	{ id: 't1', hash: 'h1', tags: ['cooking'] },
	{ id: 't2', hash: 'h2', tags: ['cooking', 'garden', 'cooking'] },
	{ id: 't4', hash: 'h4', tags: ['travel'] },
	{ id: 't5', hash: 'h5', tags: [] },
	{ id: 't6', hash: 'h6', tags: ['garden', 'music'] }
];

describe('buildDataset', () => {
	it('keeps tags with enough examples, lists the others, and only tagged examples', async () => {
		const snapshot = await buildDataset(ROWS, 'glove-sif-50k', { minExamples: 3 });
		expect(snapshot.labels).toEqual(['cooking', 'garden']);
		expect(snapshot.skipped).toEqual([
			{ tag: 'music', count: 1 },
			{ tag: 'travel', count: 1 }
		]);
		expect(snapshot.examples).toEqual([
			{ id: 't1', hash: 'h1', labels: ['cooking'] },
			{ id: 't2', hash: 'h2', labels: ['cooking', 'garden'] },
			{ id: 't3', hash: 'h3', labels: ['cooking', 'garden'] },
			{ id: 't6', hash: 'h6', labels: ['garden'] }
		]);
		expect(snapshot).toMatchObject({ version: 1, embedder: 'glove-sif-50k' });
	});

	it('digests the canonical JSON: the same rows in any order give the same digest', async () => {
		const snapshot = await buildDataset(ROWS, 'm', { minExamples: 2 });
		const shuffled = await buildDataset([...ROWS].reverse(), 'm', { minExamples: 2 });
		expect(shuffled).toEqual(snapshot);
		const { digest, ...body } = snapshot;
		expect(digest).toBe(createHash('sha256').update(JSON.stringify(body)).digest('hex'));
	});

	it('gives another digest when a thought, a text, a tag or the embedder changes', async () => {
		const digest = async (rows: DatasetRow[], embedder = 'm') =>
			(await buildDataset(rows, embedder, { minExamples: 2 })).digest;
		const base = await digest(ROWS);
		const edited = ROWS.map((row) => (row.id === 't1' ? { ...row, hash: 'h1b' } : row));
		const retagged = ROWS.map((row) => (row.id === 't6' ? { ...row, tags: ['music'] } : row));
		const digests = [base, await digest(edited), await digest(retagged), await digest(ROWS, 'n')];
		expect(new Set(digests).size).toBe(4);
	});
});

describe('parseDatasetSnapshot', () => {
	it('restores a snapshot that went through JSON', async () => {
		const snapshot = await buildDataset(ROWS, 'm', { minExamples: 2 });
		expect(await parseDatasetSnapshot(JSON.parse(JSON.stringify(snapshot)))).toEqual(snapshot);
	});

	it('refuses a snapshot whose content does not match its digest', async () => {
		const snapshot = await buildDataset(ROWS, 'm', { minExamples: 2 });
		const tampered = { ...snapshot, labels: [...snapshot.labels, 'extra'] };
		await expect(parseDatasetSnapshot(tampered)).rejects.toMatchObject({ code: 'digest' });
	});

	it('refuses what is not a snapshot, with a typed error', async () => {
		const error = await parseDatasetSnapshot({ version: 2 }).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(DatasetError);
		expect(error).toMatchObject({ code: 'invalid' });
	});
});
