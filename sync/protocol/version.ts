import type * as Y from 'yjs';
import type { DocName } from '../doc-names';
import { schemaVersionOf } from '../doc/migrations';
import { ROOT_MIGRATIONS } from '../doc/root-doc';
import { SHARD_MIGRATIONS } from '../doc/shard-doc';

/**
 * The relay protocol this build speaks. An installed PWA runs a stale build for weeks, so the
 * client says which protocol it speaks and the relay refuses one it cannot serve, with a close
 * code the client can act on, instead of both sides misreading each other. Bump it when a change
 * to the wire, the doc names or the doc schemas would break the other side.
 * 3: shard schema 2 (the trash); a server that speaks 2 would refuse those shards one by one.
 * 4: root schema 2 (model versions); a server that speaks 3 would refuse the root doc.
 */
export const PROTOCOL_VERSION = 4;

/**
 * The oldest client protocol the relay still serves. Version 1 is every build from before the
 * handshake: it sends no version at all, and still speaks today's wire format.
 */
export const OLDEST_CLIENT_PROTOCOL = 1;

/** The query parameter of the WebSocket URL that carries the client's protocol version. */
export const PROTOCOL_PARAM = 'protocol';

export type ProtocolVerdict = 'ok' | 'client-too-old' | 'server-too-old';

export interface ProtocolRange {
	oldest: number;
	current: number;
}

/**
 * The client's version from the URL parameter: absent means a pre-handshake build (1); anything
 * but a plain non-negative integer is null.
 */
export function parseProtocolVersion(param: string | null): number | null {
	if (param === null) return 1;
	return /^(0|[1-9][0-9]{0,8})$/.test(param) ? Number(param) : null;
}

/** What the relay says to a client speaking `client`. */
export function protocolVerdict(
	client: number,
	server: ProtocolRange = { oldest: OLDEST_CLIENT_PROTOCOL, current: PROTOCOL_VERSION }
): ProtocolVerdict {
	if (client < server.oldest) return 'client-too-old';
	if (client > server.current) return 'server-too-old';
	return 'ok';
}

/** The newest schema version this build can read, per doc kind. */
export function supportedSchemaVersion(kind: DocName['kind']): number {
	const migrations = kind === 'root' ? ROOT_MIGRATIONS : SHARD_MIGRATIONS;
	return migrations.at(-1)?.to ?? 0;
}

/**
 * A doc written by a newer build than this one: its version and what this build supports, or
 * null when this build understands it. Code that finds one must neither rewrite nor interpret it.
 */
export function newerSchema(
	kind: DocName['kind'],
	doc: Y.Doc
): { version: number; supported: number } | null {
	const version = schemaVersionOf(doc);
	const supported = supportedSchemaVersion(kind);
	return version > supported ? { version, supported } : null;
}
