/** One tag in the tree: `name` is its last part, `tag` the whole path used to filter. */
export interface TagNode {
	tag: string;
	name: string;
	/** Thoughts carrying the tag or one nested under it. */
	count: number;
	children: TagNode[];
}

/**
 * The tag tallies (`work`, `work/meetings`, …, ancestors already counted) as a tree, each
 * level in name order. A nested tag whose parent has no tally of its own still gets a parent.
 */
export function buildTagTree(
	tallies: readonly (readonly [tag: string, count: number])[]
): TagNode[] {
	const roots: TagNode[] = [];
	const byTag = new Map<string, TagNode>();
	const nodeFor = (tag: string): TagNode => {
		const known = byTag.get(tag);
		if (known) return known;
		const slash = tag.lastIndexOf('/');
		const node: TagNode = { tag, name: tag.slice(slash + 1), count: 0, children: [] };
		byTag.set(tag, node);
		(slash < 0 ? roots : nodeFor(tag.slice(0, slash)).children).push(node);
		return node;
	};
	for (const [tag, count] of tallies) {
		if (count > 0) nodeFor(tag).count = Math.max(nodeFor(tag).count, count);
	}
	sortTree(roots);
	return roots;
}

function sortTree(nodes: TagNode[]): void {
	nodes.sort((a, b) => a.name.localeCompare(b.name));
	for (const node of nodes) sortTree(node.children);
}
