import { describe, expect, it } from 'vitest';
import type { Visibility } from '$sync/doc/shard-doc';
import { applyChoice, countOutgoing, describeOutgoing, isQuiet } from './publish-consent';

const marked = (...visibilities: Visibility[]) =>
	visibilities.map((visibility, i) => ({ id: `t${i}`, visibility }));

describe('publish consent', () => {
	it('counts what would go out, by kind', () => {
		const outgoing = countOutgoing(marked('private', 'public', 'followers', 'public'));
		expect(outgoing).toEqual({ public: 2, followers: 1 });
		expect(isQuiet(outgoing)).toBe(false);
		expect(isQuiet(countOutgoing(marked('private', 'private')))).toBe(true);
	});

	it('describes the counts in words, naming only the kinds present', () => {
		expect(describeOutgoing({ public: 153, followers: 350 })).toBe(
			'153 public and 350 followers-only thoughts'
		);
		expect(describeOutgoing({ public: 1, followers: 0 })).toBe('1 public thought');
		expect(describeOutgoing({ public: 0, followers: 2 })).toBe('2 followers-only thoughts');
	});

	it('brings everything in private unless told to keep, and never mutates the input', () => {
		const thoughts = marked('public', 'followers', 'private');
		const privately = applyChoice(thoughts, 'private');
		expect(privately.map((t) => t.visibility)).toEqual(['private', 'private', 'private']);
		expect(privately.map((t) => t.id)).toEqual(['t0', 't1', 't2']);
		expect(thoughts.map((t) => t.visibility)).toEqual(['public', 'followers', 'private']);
		expect(applyChoice(thoughts, 'keep')).toEqual(thoughts);
	});
});
