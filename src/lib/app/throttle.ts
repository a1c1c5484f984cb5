/** Runs at once, then at most once per interval; a call during the wait runs when it ends. */
export function throttle(run: () => void, ms: number): () => void {
	let timer: ReturnType<typeof setTimeout> | undefined;
	let isPending = false;
	const release = () => {
		timer = undefined;
		if (!isPending) return;
		isPending = false;
		run();
		timer = setTimeout(release, ms);
	};
	return () => {
		if (timer) {
			isPending = true;
			return;
		}
		run();
		timer = setTimeout(release, ms);
	};
}
