/**
 * Optimal string alignment distance (Damerau–Levenshtein where no substring is edited twice):
 * insertions, deletions, substitutions and swaps of neighbouring letters each cost one. What the
 * app's word search allows within a word's typo budget; the evaluator uses it to tell a
 * misspelt query ("bugdet") from one that shares no word with its answers at all.
 */
export function osaDistance(a: string, b: string): number {
	const rows = a.length + 1;
	const cols = b.length + 1;
	const d = Array.from({ length: rows }, (_, i) =>
		Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0))
	);
	for (let i = 1; i < rows; i++) {
		for (let j = 1; j < cols; j++) {
			const cost = a[i - 1] === b[j - 1] ? 0 : 1;
			d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
			if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
				d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
			}
		}
	}
	return d[a.length][b.length];
}
