import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { LOCAL_USER, type UserId } from '$sync/ids';
import { headVersion } from '../../../tests/fixtures/model-versions';
import { BlobStore } from '$lib/replica/blob-store';
import type { Replica } from '$lib/replica/replica';
import { adoptLocalThoughts } from './adopt-local';
import { adoptLocalModels } from './adopt-models';
import { deviceBlobsFor } from './device-blobs';
import { closeReplica, openReplica } from './device-replicas';

let counter = 0;
const account = () => openReplica(`models${++counter}` as UserId);

/** A tag model trained before signing in: its file and data set in the blob store, active. */
async function localTagger(local: Replica, id: string) {
	const blobs = deviceBlobsFor(local);
	const head = new TextEncoder().encode(`onnx bytes of ${id}`);
	const dataset = new TextEncoder().encode(`{"version":1,"id":"${id}"}`);
	const [sha256, datasetSha] = [await blobs.put(head), await blobs.put(dataset)];
	const ref = { digest: datasetSha, sha256: datasetSha, examples: 3, train: 2, heldOut: 1 };
	const version = headVersion(id, Date.now(), {
		sha256,
		dataset: { ...ref, labels: ['ideas', 'work'], skipped: [] }
	});
	local.models.addVersion(version);
	local.models.promote('tag', id);
	return { version, head, dataset };
}

describe('adopting local models into an account', () => {
	it('copies the versions and their files, to upload, then deletes the local copies', async () => {
		const local = await openReplica(LOCAL_USER);
		const { version, head, dataset } = await localTagger(local, 'tagger-local1');
		const target = await account();
		await adoptLocalThoughts(target, 'private');

		expect(target.models.getVersion(version.id)).toEqual(version);
		expect(target.models.aliasesOf('tag').active).toBe(version.id);
		const blobs = deviceBlobsFor(target);
		expect(await blobs.get(version.sha256 ?? '')).toEqual(head);
		expect(await blobs.get(version.dataset?.sha256 ?? '')).toEqual(dataset);
		// Not on the server yet: the account's connection uploads them.
		expect(await blobs.store.pending()).toHaveLength(2);
		expect(await new BlobStore(LOCAL_USER).list()).toEqual([]);
		await closeReplica(target.userId);
	});

	it('adds the local tag model as a candidate when the account has its own', async () => {
		const target = await account();
		const own = await localTagger(target, 'tagger-account');
		const local = await openReplica(LOCAL_USER);
		const { version } = await localTagger(local, 'tagger-local2');
		expect(await adoptLocalModels(local, target)).toBe(1);
		expect(await adoptLocalModels(local, target)).toBe(0);

		expect(target.models.aliasesOf('tag').active).toBe(own.version.id);
		expect(target.models.getVersion(version.id)).toEqual(version);
		// Built-in versions have fixed ids: the account has them already.
		const builtins = local.models.listVersions().filter((v) => v.source === 'builtin');
		for (const builtin of builtins) expect(target.models.getVersion(builtin.id)).toEqual(builtin);
		expect(target.models.listVersions()).toHaveLength(builtins.length + 2);
		expect(await deviceBlobsFor(target).list()).toHaveLength(4);
		await closeReplica(target.userId);
		await closeReplica(LOCAL_USER);
	});
});
