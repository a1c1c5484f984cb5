import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import type { UserId } from '$sync/ids';
import { Replica } from './replica';

let counter = 0;
const open: Replica[] = [];
async function fresh(): Promise<Replica> {
	const replica = await Replica.open(`text-writer${++counter}` as UserId);
	open.push(replica);
	return replica;
}
afterEach(async () => {
	for (const replica of open.splice(0)) await replica.close();
});

describe('text writes', () => {
	it('applies two quick ticks to the current text, so neither undoes the other', async () => {
		const replica = await fresh();
		const id = await replica.capture('- [ ] milk\n- [ ] eggs');
		// Both before either lands: each reads the text the other left.
		const ticks = [replica.setTask(id, 0, true), replica.setTask(id, 1, true)];
		expect(await Promise.all(ticks)).toEqual([true, true]);
		expect((await replica.get(id))?.text).toBe('- [x] milk\n- [x] eggs');
		expect(await replica.setTask(id, 1, true)).toBe(false);
	});

	it('lands keystrokes in the order they were typed, even when not awaited', async () => {
		const replica = await fresh();
		const id = await replica.capture('a');
		await replica.close();
		// A new session: the first write to the shard waits for IndexedDB, the next ones queue.
		const reopened = await Replica.open(replica.userId);
		open.push(reopened);
		const typed = ['ab', 'abc', 'abcd'].map((text) => reopened.edit(id, text));
		await Promise.all(typed);
		expect((await reopened.get(id))?.text).toBe('abcd');
	});

	it('keeps going after a failed write', async () => {
		const replica = await fresh();
		const id = await replica.capture('kept');
		await replica.remove(id);
		await expect(replica.edit(id, 'refused')).rejects.toMatchObject({ code: 'not-found' });
		await replica.restore({ thought: { ...(await replica.get(id))!, deletedAt: null }, shard: 0 });
		await replica.edit(id, 'kept, edited');
		expect((await replica.get(id))?.text).toBe('kept, edited');
	});
});
