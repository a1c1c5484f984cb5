import * as Y from 'yjs';

/**
 * Relays a doc's updates to the same doc open in other tabs of this browser. Without it, two
 * tabs would each persist their own edits but never see each other's until a reload.
 */
export function relayBetweenTabs(doc: Y.Doc, name: string): () => void {
	if (typeof BroadcastChannel === 'undefined') return () => {};
	const channel = new BroadcastChannel(`t10x:${name}`);
	const origin = channel;
	const onUpdate = (update: Uint8Array, updateOrigin: unknown) => {
		if (updateOrigin !== origin) channel.postMessage(update);
	};
	channel.onmessage = (event: MessageEvent<unknown>) => {
		if (event.data instanceof Uint8Array) Y.applyUpdate(doc, event.data, origin);
	};
	doc.on('update', onUpdate);
	return () => {
		doc.off('update', onUpdate);
		channel.close();
	};
}
