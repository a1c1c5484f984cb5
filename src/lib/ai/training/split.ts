/** Share of thoughts held out for evaluation: about one in five. */
export const HELD_OUT_SHARE = 0.2;

/**
 * 32-bit FNV-1a over the id's UTF-16 code units, then murmur3's finaliser: FNV alone leaves
 * the low bits of short, similar ids (ours share a time prefix) poorly mixed.
 */
export function idHash(id: string): number {
	let hash = 0x811c9dc5;
	for (let i = 0; i < id.length; i++) {
		hash = Math.imul(hash ^ id.charCodeAt(i), 0x01000193);
	}
	hash = Math.imul(hash ^ (hash >>> 16), 0x85ebca6b);
	hash = Math.imul(hash ^ (hash >>> 13), 0xc2b2ae35);
	return (hash ^ (hash >>> 16)) >>> 0;
}

/**
 * Whether a thought is in the held-out split. It depends on the id alone, so every device
 * splits the same way, and a thought never moves between splits as the library grows.
 */
export function isHeldOut(id: string): boolean {
	return idHash(id) < HELD_OUT_SHARE * 2 ** 32;
}
