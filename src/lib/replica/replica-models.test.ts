import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import type { ModelEntry } from '$sync/doc/model-registry';
import type { UserId } from '$sync/ids';
import { Replica } from './replica';

const entry = (id: string, addedAt: number): ModelEntry => ({
	id,
	name: `Model ${id}`,
	version: '1',
	kind: 'static',
	source: 'user',
	dims: 8,
	location: `/models/${id}/`,
	addedAt
});

let counter = 0;
const open: Replica[] = [];
async function fresh(user = `models${++counter}` as UserId): Promise<Replica> {
	const replica = await Replica.open(user);
	open.push(replica);
	return replica;
}

afterEach(async () => {
	for (const replica of open.splice(0)) await replica.close();
});

describe('replica.models', () => {
	it('lists what was registered, oldest first, and tells each change', async () => {
		const { models } = await fresh();
		let changes = 0;
		const stop = models.onChanged(() => changes++);
		models.register(entry('b', 2));
		models.register(entry('a', 1));
		expect(models.list().map((m) => m.id)).toEqual(['a', 'b']);
		expect(changes).toBe(2);
		models.register(entry('a', 1));
		expect(changes).toBe(2);
		stop();
		models.register({ ...entry('a', 1), version: '2' });
		expect(changes).toBe(2);
		expect(models.list().find((m) => m.id === 'a')?.version).toBe('2');
	});

	it('sets the active embedder only to a registered model', async () => {
		const { models } = await fresh();
		expect(models.activeEmbedderId).toBeNull();
		expect(() => models.setActiveEmbedder('missing')).toThrow();
		models.register(entry('mine', 1));
		models.setActiveEmbedder('mine');
		expect(models.activeEmbedderId).toBe('mine');
	});

	it('keeps the registry in the root doc across a reopen', async () => {
		const user = 'models-reopen' as UserId;
		const first = await Replica.open(user);
		first.models.register(entry('kept', 1));
		first.models.setActiveEmbedder('kept');
		await first.close();
		const second = await fresh(user);
		expect(second.models.list().map((m) => m.id)).toEqual(['kept']);
		expect(second.models.activeEmbedderId).toBe('kept');
	});
});
