import { createHash } from 'node:crypto';
import * as Y from 'yjs';
import { buildHeadOnnx } from '../../models/head-onnx';
import { rootDocName } from '../../sync/doc-names';
import { addVersion, type ModelVersion } from '../../sync/doc/model-versions';
import type { UserId } from '../../sync/ids';
import { headVersion } from '../fixtures/model-versions';
import { seededValues } from '../fixtures/onnx-builder';
import { connectClient, settled, type Account, type TestServer } from './harness';

/** A user's own models on a test server: a head's bytes in their blob store, its version in their registry. */

export const BUILTIN = 'glove-sif-50k';
/** The built-in embedder's width: what a head over it reads. */
export const DIMS = 100;
export const LABELS = ['ideas', 'work', 'home'];

export const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** A linear head over the built-in embedder, as the trainer builds one. */
export function trainedHead(seed: number): Uint8Array<ArrayBuffer> {
	return new Uint8Array(
		buildHeadOnnx({
			dims: DIMS,
			labels: LABELS,
			weights: seededValues(DIMS * LABELS.length, seed),
			bias: seededValues(LABELS.length, seed + 1)
		})
	);
}

export function versionOf(
	id: string,
	bytes: Uint8Array,
	extra: Partial<ModelVersion> = {}
): ModelVersion {
	return headVersion(id, Date.now(), {
		sha256: sha256(bytes),
		size: bytes.length,
		dims: [DIMS],
		labels: LABELS,
		signature: {
			inputs: [{ name: 'embeddings', type: 'float32', dims: ['batch', DIMS] }],
			outputs: [{ name: 'scores', type: 'float32', dims: ['batch', LABELS.length] }]
		},
		...extra
	});
}

/** Adds versions to the account's registry through the relay, as a device does. */
export async function addToRegistry(
	t: TestServer,
	account: Account,
	versions: ModelVersion[]
): Promise<void> {
	const client = connectClient(t, account);
	try {
		const doc = new Y.Doc();
		const provider = client.open(rootDocName(account.userId as UserId), doc);
		await settled(provider);
		for (const version of versions) addVersion(doc, version);
		await settled(provider);
	} finally {
		client.destroy();
	}
}

/** Stores the bytes in the account's blob store (201, or 200 when it held them already). */
export async function upload(
	t: TestServer,
	account: Account,
	bytes: Uint8Array<ArrayBuffer>
): Promise<void> {
	const res = await fetch(`${t.base}/api/blobs/${sha256(bytes)}`, {
		method: 'PUT',
		headers: { Cookie: account.cookie },
		body: bytes
	});
	if (res.status !== 201 && res.status !== 200) throw new Error(`upload: ${res.status}`);
}
