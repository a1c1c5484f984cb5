import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import { DocumentsRepository } from '../../server/db/documents.repository';
import { openDatabase } from '../../server/db/open';
import { UpdateLog } from '../../server/relay/update-log';
import { DEFAULT_RELAY_LIMITS } from '../../server/relay/upgrade';
import { MIGRATIONS_DIR } from '../../server/services';
import { addThought, readThought } from '../../sync/doc/shard-doc';
import { shardDocName } from '../../sync/doc-names';
import { newThoughtId, type UserId } from '../../sync/ids';
import { CLOSE } from '../../sync/protocol/close-codes';
import { connectClient, eventually, register, settled, startTestServer } from './harness';

/**
 * The relay and its storage: a failing store closes the socket with a named code (the client
 * keeps its update and sends it again once storage is back), and a graceful stop commits what
 * the update log was still gathering.
 */
const fields = { createdAt: 1, visibility: 'private', pinned: false } as const;

afterEach(() => {
	vi.restoreAllMocks();
});

describe('storage failures', () => {
	it('closes the socket with storageFailed, keeps running, and takes the update on retry', async () => {
		const t = await startTestServer();
		const account = await register(t.base);
		const client = connectClient(t, account);
		try {
			const name = shardDocName(account.userId as UserId, 0);
			const provider = client.open(name);
			await settled(provider);
			const closes: { code: number; reason: string }[] = [];
			client.socket.on('close', ({ event }: { event: { code: number; reason: string } }) =>
				closes.push({ code: event.code, reason: event.reason })
			);

			const { sqlite } = t.server.services.database;
			sqlite.pragma('query_only = ON');
			const id = newThoughtId();
			addThought(provider.document, id, { ...fields, text: 'written while storage failed' });
			await eventually(() => closes.length > 0, 10_000, 'the socket close');
			expect(closes[0]).toEqual({
				code: CLOSE.storageFailed.code,
				reason: `${CLOSE.storageFailed.reason}: unavailable`
			});
			const { values } = await t.server.services.metrics.storageErrors.get();
			expect(values.find((value) => value.labels.code === 'unavailable')?.value).toBeGreaterThan(0);

			sqlite.pragma('query_only = OFF');
			await settled(provider, 15_000);
			const doc = new Y.Doc();
			const { state, updates } = new DocumentsRepository(t.server.services.database.db).load(name);
			if (state) Y.applyUpdate(doc, state);
			for (const update of updates) Y.applyUpdate(doc, update);
			expect(readThought(doc, id)?.text).toBe('written while storage failed');
		} finally {
			client.destroy();
			await t.stop();
		}
	});
});

describe('shutdown', () => {
	it('commits the update log batch still gathering when a graceful stop begins', async () => {
		// A window far longer than the test, and a slow first commit that makes the log busy: only
		// the stop itself can commit the next batch.
		const t = await startTestServer({
			relay: { ...DEFAULT_RELAY_LIMITS, groupCommitWindowMs: 60 * 60 * 1000 }
		});
		const account = await register(t.base);
		const name = shardDocName(account.userId as UserId, 0);
		const doc = new Y.Doc();
		const id = newThoughtId();
		const append = vi.spyOn(UpdateLog.prototype, 'append');
		const appendAll = DocumentsRepository.prototype.appendAll;
		vi.spyOn(DocumentsRepository.prototype, 'appendAll').mockImplementationOnce(function (
			this: DocumentsRepository,
			batch
		) {
			const until = performance.now() + 60;
			while (performance.now() < until);
			return appendAll.call(this, batch);
		});
		const client = connectClient(t, account);
		const provider = client.open(name, doc);
		try {
			// The first sync commits (slowly); the thought then waits in the batch.
			await settled(provider);
			const appendsBefore = append.mock.calls.length;
			addThought(doc, id, { ...fields, text: 'in the open batch at shutdown' });
			await eventually(() => append.mock.calls.length > appendsBefore, 10_000, 'the append');
			expect(provider.hasUnsyncedChanges).toBe(true);
			await t.stop({ keepData: true });

			const reopened = openDatabase(join(t.dataDir, 'thoughts10x.sqlite'), MIGRATIONS_DIR);
			try {
				const { state, updates } = new DocumentsRepository(reopened.db).load(name);
				const stored = new Y.Doc();
				if (state) Y.applyUpdate(stored, state);
				for (const update of updates) Y.applyUpdate(stored, update);
				expect(readThought(stored, id)?.text).toBe('in the open batch at shutdown');
			} finally {
				reopened.close();
			}
		} finally {
			client.destroy();
			await t.stop();
		}
	});
});
