import { describe, expect, it } from 'vitest';
import { buildTagTree } from './tag-tree';

describe('buildTagTree', () => {
	it('nests tags under their parents, each level by name', () => {
		const tree = buildTagTree([
			['work/research', 3],
			['work', 5],
			['errands', 4],
			['work/meetings', 2],
			['work/meetings/weekly', 1]
		]);
		expect(tree).toEqual([
			{ tag: 'errands', name: 'errands', count: 4, children: [] },
			{
				tag: 'work',
				name: 'work',
				count: 5,
				children: [
					{
						tag: 'work/meetings',
						name: 'meetings',
						count: 2,
						children: [{ tag: 'work/meetings/weekly', name: 'weekly', count: 1, children: [] }]
					},
					{ tag: 'work/research', name: 'research', count: 3, children: [] }
				]
			}
		]);
	});

	it('leaves out tags no thought carries and keeps a parent for an orphan', () => {
		const tree = buildTagTree([
			['gone', 0],
			['a/b', 2]
		]);
		expect(tree).toEqual([
			{
				tag: 'a',
				name: 'a',
				count: 0,
				children: [{ tag: 'a/b', name: 'b', count: 2, children: [] }]
			}
		]);
	});
});
