/** How the person types here: on a touch screen there is no Ctrl+Enter to speak of. */
export interface InputDevice {
	isTouch: boolean;
	isMac: boolean;
}

/** The key that, with Enter, saves: Cmd on a Mac, Ctrl elsewhere. */
export function saveKeys({ isMac }: InputDevice): string {
	return isMac ? '⌘+Enter' : 'Ctrl+Enter';
}

/** The hint under the capture box. */
export function captureHint(device: InputDevice): string {
	return device.isTouch
		? 'Tap Save thought when done. Markdown and #tags work.'
		: `${saveKeys(device)} to save, Escape to leave. Markdown and #tags work. ? for shortcuts.`;
}

/** The hint under a thought being edited. */
export function editHint(device: InputDevice): string {
	return device.isTouch
		? 'Saved as you type. Tap Done when finished.'
		: `Saved as you type. ${saveKeys(device)} when done, Escape to undo your changes.`;
}
