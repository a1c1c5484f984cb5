import 'fake-indexeddb/auto';
import { strToU8, unzipSync, zipSync } from 'fflate';
import { afterEach, describe, expect, it } from 'vitest';
import { newThoughtId, type UserId } from '$sync/ids';
import type { Thought } from '$sync/doc/shard-doc';
import { headVersion } from '../../../../tests/fixtures/model-versions';
import { ownEmbedder, trainedTagger } from '../../../../tests/fixtures/own-models';
import { deviceBlobsFor } from '$lib/app/device-blobs';
import { closeReplica, openReplica } from '$lib/app/device-replicas';
import type { Replica } from '$lib/replica/replica';
import { ModelFileError } from './model-files';
import { exportJson, exportMarkdownZip, planImport, runImport, type ExportBundle } from './transfer';

let counter = 0;
const opened: UserId[] = [];

async function device(): Promise<Replica> {
	const userId = `transfer${++counter}` as UserId;
	opened.push(userId);
	return openReplica(userId);
}

afterEach(async () => {
	for (const userId of opened.splice(0)) await closeReplica(userId);
});

function thought(text: string, visibility: Thought['visibility'] = 'private'): Thought {
	return { id: newThoughtId(), text, createdAt: Date.now(), visibility, pinned: false };
}

/** A device with a thought, an active trained tagger, a candidate and an uploaded embedder. */
async function deviceWithModels() {
	const replica = await device();
	const blobs = deviceBlobsFor(replica);
	await replica.importThoughts([thought('Lentil soup #food', 'public')]);
	const tagger = await trainedTagger(blobs, 'tagger-aaa', 2000);
	const candidate = await trainedTagger(blobs, 'tagger-bbb', 3000, ['home', 'ideas', 'work']);
	const embedder = await ownEmbedder(blobs, 'user-tiny-model-ccc', 1000);
	for (const model of [tagger, candidate, embedder]) replica.models.addVersion(model.version);
	replica.models.promote('tag', tagger.version.id);
	return { replica, tagger, candidate, embedder };
}

const bytesOf = (bundle: ExportBundle) =>
	typeof bundle.data === 'string' ? strToU8(bundle.data) : bundle.data;

async function importInto(replica: Replica, bundle: ExportBundle) {
	const plan = await planImport(replica, bundle.name, bytesOf(bundle));
	return { plan, report: await runImport(replica, plan, 'private') };
}

describe('models in the data export and import', () => {
	for (const make of [exportJson, exportMarkdownZip]) {
		it(`restores the versions and their files from ${make.name}, once`, async () => {
			const source = await deviceWithModels();
			const bundle = await make(source.replica);
			expect([bundle.count, bundle.models, bundle.missingModels]).toEqual([1, 3, 0]);

			const target = await device();
			const { plan, report } = await importInto(target, bundle);
			expect(plan.newModels).toBe(3);
			expect(report.models).toEqual({ added: 3, activated: ['tag'] });
			expect(report.added).toBe(1);
			for (const { version, files } of [source.tagger, source.candidate, source.embedder]) {
				expect(target.models.getVersion(version.id)).toEqual(version);
				for (const [sha, bytes] of files) expect(await deviceBlobsFor(target).get(sha)).toEqual(bytes);
			}
			expect(target.models.aliasesOf('tag')).toEqual({ active: source.tagger.version.id, previous: null });

			const again = await importInto(target, bundle);
			expect(again.plan.newModels).toBe(0);
			expect(again.report.models).toEqual({ added: 0, activated: [] });
			expect(again.report.skipped).toBe(1);
			expect(target.models.listVersions()).toHaveLength(3);
		});
	}

	it('keeps the tag model a person chose, adding the imported ones as candidates', async () => {
		const source = await deviceWithModels();
		const target = await device();
		const own = await trainedTagger(deviceBlobsFor(target), 'tagger-own', 4000);
		target.models.addVersion(own.version);
		target.models.promote('tag', own.version.id);

		const { report } = await importInto(target, await exportJson(source.replica));
		expect(report.models).toEqual({ added: 3, activated: [] });
		expect(target.models.aliasesOf('tag')).toEqual({ active: own.version.id, previous: null });
		expect(target.models.getVersion(source.tagger.version.id)).toEqual(source.tagger.version);
	});

	it('leaves out a version whose files this device does not have, and says so', async () => {
		const source = await deviceWithModels();
		// Made on another device: its files were never downloaded here.
		source.replica.models.addVersion(headVersion('tagger-elsewhere', 5000));
		const bundle = await exportJson(source.replica);
		expect([bundle.models, bundle.missingModels]).toEqual([3, 1]);
		const file = JSON.parse(bundle.data as string);
		expect(file.models.versions.map((v: { id: string }) => v.id)).not.toContain('tagger-elsewhere');
		expect(file.models.aliases).toEqual({ tag: { active: 'tagger-aaa', previous: null } });
	});

	it('applies nothing from a file with a corrupt model file, naming it', async () => {
		const source = await deviceWithModels();
		const entries = unzipSync(bytesOf(await exportMarkdownZip(source.replica)));
		const name = `models/files/${source.embedder.version.sha256}`;
		entries[name] = entries[name].map((byte, i) => (i === 100 ? byte ^ 1 : byte));
		const target = await device();

		const error = await planImport(target, 'x.zip', zipSync(entries)).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(ModelFileError);
		expect((error as ModelFileError).file).toBe(name);
		expect((error as Error).message).toBe(`${name}: its bytes do not match its sha256`);
		expect(target.models.listVersions()).toEqual([]);
		expect(await deviceBlobsFor(target).list()).toEqual([]);
		expect(await target.allThoughts()).toEqual([]);
	});

	it('never publishes: a public thought comes in private when asked, the models as they were', async () => {
		const source = await deviceWithModels();
		const target = await device();
		const plan = await planImport(target, 'x.json', bytesOf(await exportJson(source.replica)));
		expect(plan.outgoing.public).toBe(1);
		const report = await runImport(target, plan, 'private');
		expect(report.models?.added).toBe(3);
		expect((await target.allThoughts()).map((t) => t.visibility)).toEqual(['private']);
	});
});
