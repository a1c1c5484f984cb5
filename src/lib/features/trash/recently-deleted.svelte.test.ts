import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { notices } from '$lib/app/notices.svelte';
import { Replica } from '$lib/replica/replica';
import type { UserId } from '$sync/ids';
import { RecentlyDeleted } from './recently-deleted.svelte';

let replica: Replica | undefined;
let stop: (() => void) | undefined;
afterEach(async () => {
	stop?.();
	await replica?.close();
	replica = undefined;
});

function watch(open: Replica): RecentlyDeleted {
	const screen = new RecentlyDeleted(open);
	stop = screen.watch();
	return screen;
}

const texts = (screen: RecentlyDeleted) => screen.rows.map((row) => row.text);

describe('RecentlyDeleted', () => {
	it('lists the trash newest deletion first, live, and acts on it', async () => {
		replica = await Replica.open('recently-deleted' as UserId);
		const [first, second, kept] = [
			await replica.capture('deleted first'),
			await replica.capture('deleted second'),
			await replica.capture('kept')
		];
		const screen = watch(replica);
		await vi.waitFor(() => expect(screen.isLoaded).toBe(true));
		expect(screen.total).toBe(0);

		await replica.remove(first, 1000);
		await replica.remove(second, 2000);
		await vi.waitFor(() => expect(texts(screen)).toEqual(['deleted second', 'deleted first']));
		expect(screen.total).toBe(2);

		await screen.restore(first);
		await vi.waitFor(() => expect(texts(screen)).toEqual(['deleted second']));
		expect(notices.items.at(-1)?.message).toBe('Thought restored.');
		expect((await replica.view.thoughts.get(first))?.text).toBe('deleted first');

		await replica.remove(kept, 3000);
		await vi.waitFor(() => expect(screen.total).toBe(2));
		await screen.deleteForever(kept);
		await vi.waitFor(() => expect(texts(screen)).toEqual(['deleted second']));
		expect(await replica.get(kept)).toBeNull();

		await screen.empty();
		await vi.waitFor(() => expect(screen.total).toBe(0));
		expect(notices.items.at(-1)?.message).toBe('1 thought deleted for good.');
		expect(await replica.get(second)).toBeNull();
		expect((await replica.allThoughts()).map((t) => t.text)).toEqual(['deleted first']);
	});

	it('reports a failed restore instead of rejecting', async () => {
		replica = await Replica.open('recently-deleted-fail' as UserId);
		const id = await replica.capture('gone before the restore');
		const screen = watch(replica);
		await replica.remove(id);
		await replica.flush();
		expect(await replica.trash.empty()).toBe(1);
		await expect(screen.restore(id)).resolves.toBeUndefined();
		expect(notices.items.at(-1)).toMatchObject({ kind: 'error' });
	});
});
