import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { ROOT_MIGRATIONS } from '../doc/root-doc';
import { SHARD_MIGRATIONS, migrateShard } from '../doc/shard-doc';
import { CLOSE, versionMismatchOf } from './close-codes';
import {
	OLDEST_CLIENT_PROTOCOL,
	PROTOCOL_VERSION,
	newerSchema,
	parseProtocolVersion,
	protocolVerdict,
	supportedSchemaVersion
} from './version';

describe('protocol handshake', () => {
	it('serves every version from the oldest supported to the current one', () => {
		for (let v = OLDEST_CLIENT_PROTOCOL; v <= PROTOCOL_VERSION; v++) {
			expect(protocolVerdict(v)).toBe('ok');
		}
		expect(protocolVerdict(OLDEST_CLIENT_PROTOCOL - 1)).toBe('client-too-old');
		expect(protocolVerdict(PROTOCOL_VERSION + 1)).toBe('server-too-old');
	});

	it('judges against the range it is given, so a later server can drop old clients', () => {
		const later = { oldest: PROTOCOL_VERSION + 1, current: PROTOCOL_VERSION + 2 };
		expect(protocolVerdict(PROTOCOL_VERSION, later)).toBe('client-too-old');
		expect(protocolVerdict(PROTOCOL_VERSION + 2, later)).toBe('ok');
		expect(protocolVerdict(PROTOCOL_VERSION + 3, later)).toBe('server-too-old');
	});

	it('reads a missing version as a pre-handshake build and refuses anything but an integer', () => {
		expect(parseProtocolVersion(null)).toBe(1);
		expect(parseProtocolVersion(String(PROTOCOL_VERSION))).toBe(PROTOCOL_VERSION);
		for (const bad of ['', '-1', '1.5', '02', ' 2', '2a', '1e3', '9999999999']) {
			expect(parseProtocolVersion(bad), bad).toBeNull();
		}
	});

	it('maps the mismatch close codes, and only those, to what the app tells the user', () => {
		expect(versionMismatchOf(CLOSE.clientTooOld.code)).toBe('client-too-old');
		expect(versionMismatchOf(CLOSE.serverTooOld.code)).toBe('server-too-old');
		expect(versionMismatchOf(CLOSE.schemaTooNew.code)).toBe('server-too-old');
		for (const other of [CLOSE.forbidden, CLOSE.storageFailed, CLOSE.shuttingDown]) {
			expect(versionMismatchOf(other.code)).toBeNull();
		}
	});
});

describe('schema support', () => {
	it('supports exactly the last migration of each doc kind', () => {
		expect(supportedSchemaVersion('root')).toBe(ROOT_MIGRATIONS.at(-1)!.to);
		expect(supportedSchemaVersion('shard')).toBe(SHARD_MIGRATIONS.at(-1)!.to);
	});

	it('pins the versions, so a schema bump without a protocol bump fails here', () => {
		// Bumping a doc schema means an older relay must refuse the new docs at connect: raise
		// PROTOCOL_VERSION with it, then update these three numbers together.
		expect({
			root: supportedSchemaVersion('root'),
			shard: supportedSchemaVersion('shard'),
			protocol: PROTOCOL_VERSION
		}).toEqual({ root: 2, shard: 2, protocol: 4 });
	});

	it('reports a doc written by a newer build, and not a current or unversioned one', () => {
		const doc = new Y.Doc();
		expect(newerSchema('shard', doc)).toBeNull();
		migrateShard(doc);
		expect(newerSchema('shard', doc)).toBeNull();
		const supported = supportedSchemaVersion('shard');
		doc.getMap('meta').set('schemaVersion', supported + 1);
		expect(newerSchema('shard', doc)).toEqual({ version: supported + 1, supported });
	});
});
