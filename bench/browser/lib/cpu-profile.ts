/**
 * Reads a CDP CPU profile (Profiler.stop) in page time: self time per script and per function
 * within a time window, so a profile of the minified production build still says which library
 * the time went to.
 */
export interface CpuProfile {
	nodes: {
		id: number;
		callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
		children?: number[];
	}[];
	startTime: number;
	samples: number[];
	timeDeltas: number[];
}

export interface Sample {
	/** Page time in ms (performance.now() of the profiled document). */
	at: number;
	ms: number;
	functionName: string;
	url: string;
	line: number;
	column: number;
}

/**
 * Converts samples to page time using the samples of a function that ran at a known page time
 * (lib/instrument.ts: benchClockSync at `syncAt`).
 */
export function samplesInPageTime(
	profile: CpuProfile,
	syncFunction: string,
	syncAt: number
): Sample[] {
	const byId = new Map(profile.nodes.map((node) => [node.id, node.callFrame]));
	const parents = new Map<number, number>();
	for (const node of profile.nodes)
		for (const child of node.children ?? []) parents.set(child, node.id);
	// The busy loop's samples mostly land in performance.now(), called from it.
	const isInSync = (id: number | undefined): boolean =>
		id !== undefined && (byId.get(id)?.functionName === syncFunction || isInSync(parents.get(id)));
	const raw: { t: number; id: number; frame: CpuProfile['nodes'][number]['callFrame'] }[] = [];
	let t = profile.startTime;
	profile.samples.forEach((id, i) => {
		t += profile.timeDeltas[i];
		raw.push({ t, id, frame: byId.get(id)! });
	});
	const sync = raw.find((sample) => isInSync(sample.id));
	if (!sync) throw new Error(`no sample in ${syncFunction}: cannot align the profile`);
	const offset = sync.t / 1000 - syncAt;
	return raw.map((sample, i) => ({
		at: sample.t / 1000 - offset,
		ms: ((raw[i + 1]?.t ?? sample.t) - sample.t) / 1000,
		functionName: sample.frame.functionName || '(anonymous)',
		url: sample.frame.url,
		line: sample.frame.lineNumber + 1,
		column: sample.frame.columnNumber + 1
	}));
}

/** Milliseconds of self time per key within [from, to), largest first. */
export function selfTime(
	samples: readonly Sample[],
	from: number,
	to: number,
	key: (sample: Sample) => string
): [string, number][] {
	const totals = new Map<string, number>();
	for (const sample of samples) {
		if (sample.at < from || sample.at >= to) continue;
		totals.set(key(sample), (totals.get(key(sample)) ?? 0) + sample.ms);
	}
	return [...totals].sort((a, b) => b[1] - a[1]);
}
