import type uPlot from 'uplot';

/** Canvas cannot use CSS variables, so charts resolve the page's colours when they draw. */
export interface ChartTheme {
	ink: string;
	muted: string;
	accent: string;
	line: string;
}

/** Everything but the size, which the plot host takes from its container. */
export type PlotOptions = Omit<uPlot.Options, 'width' | 'height'>;

export function readTheme(element: Element): ChartTheme {
	const style = getComputedStyle(element);
	const colour = (name: string) => style.getPropertyValue(name).trim();
	return {
		ink: colour('--ink'),
		muted: colour('--muted'),
		accent: colour('--accent'),
		line: colour('--line')
	};
}

export function axisStyle(theme: ChartTheme): uPlot.Axis {
	return {
		stroke: theme.muted,
		grid: { stroke: theme.line, width: 1 },
		ticks: { stroke: theme.line, width: 1 }
	};
}

/** Bars and values start at zero; an all-zero series still gets a visible axis. */
export function fromZero(_u: uPlot, _min: number, max: number): uPlot.Range.MinMax {
	return [0, max > 0 ? max * 1.1 : 1];
}

/** Categories sit at x = 0, 1, …; half a step of room either side, even for a single one. */
export function categoryRange(u: uPlot): uPlot.Range.MinMax {
	return [-0.5, u.data[0].length - 0.5];
}
