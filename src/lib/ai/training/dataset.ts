import * as v from 'valibot';

export const DATASET_VERSION = 1;

const HEX64 = /^[0-9a-f]{64}$/;

/** A training data set, frozen: which thoughts (and which text, by hash) taught which tags. */
export const DatasetSnapshotSchema = v.object({
	version: v.literal(DATASET_VERSION),
	/** The model whose vectors the head reads. */
	embedder: v.string(),
	/** Sorted by id; each example's labels in the order of `labels`. */
	examples: v.array(v.object({ id: v.string(), hash: v.string(), labels: v.array(v.string()) })),
	/** Tags with enough examples, sorted: a head's output columns, in this order. */
	labels: v.array(v.string()),
	/** Tags left out for too few examples, most used first. */
	skipped: v.array(v.object({ tag: v.string(), count: v.pipe(v.number(), v.integer()) })),
	/** sha256 (hex) of the canonical JSON of every other field. */
	digest: v.pipe(v.string(), v.regex(HEX64))
});
export type DatasetSnapshot = v.InferOutput<typeof DatasetSnapshotSchema>;
type DatasetBody = Omit<DatasetSnapshot, 'digest'>;

export interface DatasetRow {
	id: string;
	hash: string;
	tags: readonly string[];
}

export interface DatasetOptions {
	/** Tags on fewer thoughts than this are left out (and listed in `skipped`). */
	minExamples: number;
}

const byCodeUnits = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

async function sha256Hex(text: string): Promise<string> {
	const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
	return Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** The JSON the digest is taken over: fixed key order, every list in a fixed order. */
function canonicalJson(body: DatasetBody): string {
	const { version, embedder, examples, labels, skipped } = body;
	return JSON.stringify({ version, embedder, examples, labels, skipped });
}

function countTags(rows: readonly DatasetRow[]): Map<string, number> {
	const counts = new Map<string, number>();
	for (const row of rows) {
		for (const tag of new Set(row.tags)) counts.set(tag, (counts.get(tag) ?? 0) + 1);
	}
	return counts;
}

/**
 * The snapshot of the thoughts' tags a head is trained on. Only thoughts with a kept tag are
 * examples (an untagged thought is not evidence against a tag: it may simply not be tagged).
 * The same rows in any order give the same snapshot and digest, on every device.
 */
export async function buildDataset(
	rows: readonly DatasetRow[],
	embedder: string,
	{ minExamples }: DatasetOptions
): Promise<DatasetSnapshot> {
	const counts = countTags(rows);
	const labels = [...counts.keys()].filter((tag) => counts.get(tag)! >= minExamples);
	labels.sort(byCodeUnits);
	const column = new Map(labels.map((label, i) => [label, i]));
	const skipped = [...counts]
		.filter(([, count]) => count < minExamples)
		.map(([tag, count]) => ({ tag, count }))
		.sort((a, b) => b.count - a.count || byCodeUnits(a.tag, b.tag));
	const examples = rows
		.map(({ id, hash, tags }) => ({
			id,
			hash,
			labels: [...new Set(tags)]
				.filter((tag) => column.has(tag))
				.sort((a, b) => column.get(a)! - column.get(b)!)
		}))
		.filter((example) => example.labels.length > 0)
		.sort((a, b) => byCodeUnits(a.id, b.id));
	const body: DatasetBody = { version: DATASET_VERSION, embedder, examples, labels, skipped };
	return { ...body, digest: await sha256Hex(canonicalJson(body)) };
}

export type DatasetErrorCode = 'invalid' | 'digest';

export class DatasetError extends Error {
	constructor(
		readonly code: DatasetErrorCode,
		message: string
	) {
		super(message);
	}
}

/** A snapshot from outside (an import, another device's blob), checked against its digest. */
export async function parseDatasetSnapshot(json: unknown): Promise<DatasetSnapshot> {
	const parsed = v.safeParse(DatasetSnapshotSchema, json);
	if (!parsed.success) {
		throw new DatasetError('invalid', `Not a data set snapshot: ${parsed.issues[0].message}`);
	}
	const snapshot = parsed.output;
	if ((await sha256Hex(canonicalJson(snapshot))) !== snapshot.digest) {
		throw new DatasetError('digest', 'The data set does not match its digest');
	}
	return snapshot;
}
