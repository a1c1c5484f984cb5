import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { notices } from '$lib/app/notices.svelte';
import { Replica } from '$lib/replica/replica';
import type { ThoughtRow } from '$lib/replica/view-db';
import type { ThoughtId, UserId } from '$sync/ids';
import { getThoughtActions, thoughtCommands, type ScreenChoices } from './thought-actions';
import { UndoDelete } from './undo-delete.svelte';

let counter = 0;
const open: Replica[] = [];

async function setUp(screen: ScreenChoices = { showTag: () => {} }) {
	const replica = await Replica.open(`actions${++counter}` as UserId);
	open.push(replica);
	const undo = new UndoDelete(replica);
	const commands = thoughtCommands(replica, undo, screen);
	const rowOf = async (id: ThoughtId): Promise<ThoughtRow | undefined> => {
		await replica.flush();
		return replica.view.thoughts.get(id);
	};
	return { replica, undo, commands, rowOf };
}

afterEach(async () => {
	for (const replica of open.splice(0)) await replica.close();
});

describe('getThoughtActions', () => {
	it('offers Pin on an unpinned thought and Unpin, pressed, on a pinned one', async () => {
		const { replica, commands, rowOf } = await setUp();
		const id = await replica.capture('pin me');
		const unpinned = await rowOf(id);
		const pin = getThoughtActions(unpinned!, commands).Pin;
		expect(pin).toMatchObject({ label: 'Pin', isPressed: false });

		await pin.run();
		const pinned = await rowOf(id);
		expect(pinned?.pinned).toBe(1);
		const unpin = getThoughtActions(pinned!, commands).Pin;
		expect(unpin).toMatchObject({ label: 'Unpin', isPressed: true });

		await unpin.run();
		expect((await rowOf(id))?.pinned).toBe(0);
	});

	it('deletes undoably, then lets the screen move on', async () => {
		// What undo holds when the screen is told: the deletion has happened by then.
		const undoableWhenTold: (string | undefined)[] = [];
		const { replica, undo, commands, rowOf } = await setUp({
			showTag: () => {},
			afterDelete: () => undoableWhenTold.push(undo.last?.thought.text)
		});
		const id = await replica.capture('delete me');
		const remove = getThoughtActions((await rowOf(id))!, commands).Delete;
		expect(remove).toMatchObject({ label: 'Delete', isDangerous: true });

		await remove.run();
		expect(undoableWhenTold).toEqual(['delete me']);
		expect(await rowOf(id)).toBeUndefined();
		expect(await replica.view.trash.get(id)).toMatchObject({ text: 'delete me' });
		expect(await undo.undo()).toBe(true);
		expect((await rowOf(id))?.text).toBe('delete me');
		expect(await replica.view.trash.count()).toBe(0);
	});

	it('reports a failed action instead of rejecting', async () => {
		const { replica, commands, rowOf } = await setUp();
		const id = await replica.capture('soon gone');
		const row = (await rowOf(id))!;
		await replica.remove(id);
		await expect(getThoughtActions(row, commands).Pin.run()).resolves.toBeUndefined();
		expect(notices.items.at(-1)).toMatchObject({ kind: 'error' });
		expect(notices.items.at(-1)?.message).toMatch(/^Could not pin\./);
	});
});

describe('thoughtCommands', () => {
	it('saves edited text and sends tags where the screen chose', async () => {
		const tags: string[] = [];
		const { replica, commands, rowOf } = await setUp({ showTag: (tag) => tags.push(tag) });
		const id = await replica.capture('first');
		commands.saveText(id, 'second #later');
		await expect.poll(async () => (await rowOf(id))?.text).toBe('second #later');
		commands.showTag('later');
		expect(tags).toEqual(['later']);
	});
});
